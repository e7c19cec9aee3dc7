using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Load from clients that never send a request twice, so a request the server drops shows as a
/// failure (HttpClient would resend some and hide it): wrk opening a new TLS connection for every
/// request, wrk on keep-alive HTTP/1.1 connections, and optionally <see cref="StrictHttp2Client"/>
/// with many streams per HTTP/2 connection. All stop by themselves: wrk after <see cref="MaxDuration"/>
/// at most, sooner on <see cref="StopAsync"/>.
/// </summary>
public sealed partial class StrictLoad : IAsyncDisposable
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);

    // A real endpoint: /healthz rightly answers 503 while a stopping server finishes its requests.
    private const string Path = "/api/greeting?name=load";

    // wrk waits this long for an answer before counting a timeout: a queued connection waits out a restart, well under this.
    private const string ResponseTimeout = "20s";


    private readonly List<Client> _clients = [];

    private readonly StrictHttp2Client? _http2;

    private StrictLoad(int port, bool http2, int? namespacePid, System.Net.IPAddress? address)
    {
        IReadOnlyList<string> prefix = namespacePid is int pid ? ["nsenter", "--target", pid.ToString(CultureInfo.InvariantCulture), "--net"] : [];
        string url = $"https://{address ?? System.Net.IPAddress.Loopback}:{port}{Path}";
        string seconds = ((int)MaxDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        // Two connections each; one thread per client, as the server needs the cores more than the clients.
        _clients.Add(Client.Start("new TLS connection per request (wrk)", prefix, "wrk", "-t1", "-c2", $"-d{seconds}s", "--timeout", ResponseTimeout, "-H", "Connection: close", url));
        _clients.Add(Client.Start("keep-alive HTTP/1.1 (wrk)", prefix, "wrk", "-t1", "-c2", $"-d{seconds}s", "--timeout", ResponseTimeout, url));
        if (http2)
        {
            _http2 = StrictHttp2Client.Start(port, Path, namespacePid, address);
        }
    }

    /// <summary>True while every client still runs: the load really spans what the test did meanwhile.</summary>
    public bool AllRunning => _clients.All(c => !c.Process.HasExited) && _http2?.Running != false;

    /// <param name="port">The server's HTTPS port on 127.0.0.1, or on <paramref name="address"/>.</param>
    /// <param name="http2">Also load it over HTTP/2.</param>
    /// <param name="namespacePid">Load a container's own loopback: the clients run in the network namespace of this process (its init).</param>
    /// <param name="address">The server's IPv4 address; loopback unless said.</param>
    public static StrictLoad Start(int port, bool http2 = false, int? namespacePid = null, System.Net.IPAddress? address = null) => new(port, http2, namespacePid, address);

    /// <summary>Stops the clients, lets each finish what it has sent, and returns what each saw.</summary>
    /// <returns>Each client's answers (2xx) and its failures: every error, timeout and other status.</returns>
    public async Task<IReadOnlyList<ClientResult>> StopAsync()
    {
        foreach (var client in _clients.Where(c => !c.Process.HasExited))
        {
            // wrk stops on SIGINT and still prints its report.
            _ = Signals.Send(client.Process.Id, Signals.Interrupt);
        }

        var results = new List<ClientResult>();
        if (_http2 is not null)
        {
            results.Add(await _http2.StopAsync());
        }

        foreach (var client in _clients)
        {
            results.Add(await client.ResultAsync());
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        if (_http2 is not null)
        {
            await _http2.StopAsync();
        }

        foreach (var client in _clients)
        {
            if (!client.Process.HasExited)
            {
                client.Process.Kill();
                await client.Process.WaitForExitAsync();
            }

            client.Process.Dispose();
        }
    }

    /// <summary>Fails the test unless every client had answers and not one failure; writes the counts to the test's output.</summary>
    public static void AssertNothingLost(IReadOnlyList<ClientResult> results, ITestOutputHelper? output = null)
    {
        foreach (var result in results)
        {
            output?.WriteLine($"{result.Name}: {result.Answered} answered, {result.Failed} failed");
        }

        Assert.All(results, r => Assert.True(r.Failed == 0 && r.Answered > 0, r.ToString()));
    }

    /// <summary>What one client saw.</summary>
    /// <param name="Name">Which kind of client.</param>
    /// <param name="Answered">Requests answered with a 2xx status.</param>
    /// <param name="Failed">Requests that got no answer (connection closed, reset, timed out) or another status.</param>
    /// <param name="Report">The client's own report, for the failure message.</param>
    public sealed record ClientResult(string Name, long Answered, long Failed, string Report)
    {
        public override string ToString() => $"{Name}: {Answered} answered, {Failed} failed\n{Report}";
    }

    private sealed class Client
    {
        private readonly Task<string> _output;

        private Client(string name, Process process)
        {
            Name = name;
            Process = process;
            _output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync())
                .ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default);
        }

        public string Name { get; }

        public Process Process { get; }

        public static Client Start(string name, IReadOnlyList<string> prefix, string program, params string[] args)
        {
            string[] command = [.. prefix, program, .. args];
            var start = new ProcessStartInfo(command[0], command[1..])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            return new Client(name, Process.Start(start)!);
        }

        public async Task<ClientResult> ResultAsync()
        {
            using var deadline = new CancellationTokenSource(MaxDuration + TimeSpan.FromMinutes(1));
            await Process.WaitForExitAsync(deadline.Token);
            string report = await _output;
            return ParseWrk(Name, report);
        }
    }

    private static ClientResult ParseWrk(string name, string report)
    {
        long requests = Number(WrkRequests(), report, 1);
        var errors = WrkSocketErrors().Match(report);
        long socketErrors = errors.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(errors.Groups[g].Value, CultureInfo.InvariantCulture)) : 0;
        long otherStatus = WrkNon2xx().IsMatch(report) ? Number(WrkNon2xx(), report, 1) : 0;
        // wrk counts an answer with another status among its requests; those are failures here.
        return new ClientResult(name, requests - otherStatus, socketErrors + otherStatus, report);
    }

    private static long Number(Regex regex, string text, int group)
    {
        var match = regex.Match(text);
        return match.Success
            ? long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"no match for /{regex}/ in:\n{text}");
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex WrkSocketErrors();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();
}
