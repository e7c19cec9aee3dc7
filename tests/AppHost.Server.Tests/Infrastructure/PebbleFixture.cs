using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>What a test sets in the Pebble it starts; each test that needs other values starts its own.</summary>
/// <param name="HttpPort">Where Pebble's VA sends HTTP-01 requests (the app's plain listener); 0 for a port nobody answers.</param>
/// <param name="TlsPort">Where Pebble's VA makes TLS-ALPN-01 handshakes (the app's HTTPS listener); 0 for a port nobody answers.</param>
/// <param name="NonceRejectPercent">PEBBLE_WFE_NONCEREJECT: the share of good nonces Pebble rejects as badNonce.</param>
/// <param name="AuthorizationReusePercent">PEBBLE_AUTHZREUSE: how often Pebble hands back an already-valid authorization.</param>
/// <param name="CertificateValiditySeconds">certificateValidityPeriod; null keeps Pebble's 5 years.</param>
/// <param name="NetworkOf">A process whose network namespace Pebble runs in (a container's init), so it and the
/// container's services reach each other on that loopback; null for this machine's.</param>
/// <param name="ListenAddress">Where the ACME API listens (its HTTPS certificate names it too): this machine's end of
/// a test's link, for a server in a container; null for 127.0.0.1. The management port stays on loopback.</param>
/// <param name="NamesResolveTo">The address every name resolves to for Pebble's validator: a container's end of
/// a test's link, to validate the server in it; null for 127.0.0.1.</param>
public sealed record PebbleOptions(
    int HttpPort = 0,
    int TlsPort = 0,
    int NonceRejectPercent = 0,
    int AuthorizationReusePercent = 0,
    int? CertificateValiditySeconds = null,
    int? NetworkOf = null,
    IPAddress? ListenAddress = null,
    IPAddress? NamesResolveTo = null);

/// <summary>
/// A real ACME CA for tests: Debian's pebble (2.4.0) with pebble-challtestsrv as its DNS, both on free
/// loopback ports, with a configuration and an HTTPS certificate of their own in a temporary folder.
/// Every name resolves to 127.0.0.1, so Pebble's validator reaches the test's listeners on
/// <see cref="PebbleOptions.HttpPort"/> and <see cref="PebbleOptions.TlsPort"/>.
/// </summary>
public sealed class PebbleFixture : IAsyncDisposable
{
    // Pebble needs a moment to make its CA keys; 30 s allows for a machine busy with other builds.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // What Pebble logs for the request that marks how far its log has been read (ReadLogUpToNowAsync).
    private const string MarkLine = "HEAD /dir -> calling handler()";

    // A port taken twice in a row by another test is already rare; a third time would mean something else is wrong.
    private const int MaxStartAttempts = 3;

    private readonly TempDirectory _folder = new();
    private readonly StringBuilder _log = new();
    private readonly List<Process> _processes = [];

    private PebbleFixture(PebbleOptions options) => Options = options;

    public PebbleOptions Options { get; }

    /// <summary>The ACME directory, https://127.0.0.1:PORT/dir.</summary>
    public Uri DirectoryUrl { get; private set; } = null!;

    /// <summary>The PEM file of Pebble's own HTTPS certificate: what a client passes as --acme-ca-file.</summary>
    public string CaFile { get; private set; } = null!;

    /// <summary>The root Pebble issues under, fetched from the management port's /roots/0; new on every start.</summary>
    public X509Certificate2 IssuingRoot { get; private set; } = null!;

    /// <summary>Everything both processes wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// How many log lines contain <paramref name="text"/>, e.g. "POST /order-plz" for the orders Pebble
    /// received, once the log has been read up to now (<see cref="ReadLogUpToNowAsync"/>).
    /// </summary>
    public async Task<int> CountInLogAsync(string text)
    {
        await ReadLogUpToNowAsync();
        return CountInLog(text);
    }

    /// <summary>How many of the log lines read so far contain <paramref name="text"/>: for a poll, which reads again.</summary>
    public int CountInLog(string text) =>
        Log.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// Waits until the log holds every line Pebble wrote before this call. Pebble logs a request as its
    /// handler starts, before it answers, but the lines reach <see cref="Log"/> through a reader of its
    /// output that may lag behind: a count taken right after an answer can miss that request's line.
    /// A HEAD of the directory, which only this fixture sends (ACME clients GET it), marks the present:
    /// once its line is read, so is every line before it.
    /// </summary>
    private async Task ReadLogUpToNowAsync()
    {
        int marksBefore = CountInLog(MarkLine);
        using var http = CreateHttpClient();
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, DirectoryUrl));
        response.EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => Task.FromResult(CountInLog(MarkLine) > marksBefore), StartTimeout, "Pebble's log to show the marking HEAD /dir");
    }

    /// <summary>An HttpClient that trusts Pebble's HTTPS certificate, and verifies it.</summary>
    public HttpClient CreateHttpClient()
    {
        if (Options.NetworkOf is not int pid)
        {
            return AcmeHttpClient.Create(AcmeHttpClient.LoadRoots(CaFile));
        }

        var handler = AcmeHttpClient.CreateHandler(AcmeHttpClient.LoadRoots(CaFile));
        handler.ConnectCallback = async (context, _) =>
            new NetworkStream(await NetworkNamespace.ConnectAsync(pid, new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port)), ownsSocket: true);
        return new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Like <see cref="CreateHttpClient"/>, with <paramref name="watch"/> seeing every request and response.</summary>
    public HttpClient CreateHttpClient(DelegatingHandler watch)
    {
        watch.InnerHandler = AcmeHttpClient.CreateHandler(AcmeHttpClient.LoadRoots(CaFile));
        return new HttpClient(watch, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<PebbleFixture> StartAsync(PebbleOptions? options = null)
    {
        // Its ports are picked free a moment before Pebble binds them, and a test running alongside can
        // take one in between; Pebble then exits at once. Each new attempt picks a new set.
        for (int attempt = 1; ; attempt++)
        {
            var pebble = new PebbleFixture(options ?? new PebbleOptions());
            try
            {
                await pebble.StartAsync();
                return pebble;
            }
            catch (PebbleExitedException) when (attempt < MaxStartAttempts)
            {
                await pebble.DisposeAsync();
            }
            catch
            {
                await pebble.DisposeAsync();
                throw;
            }
        }
    }

    private async Task StartAsync()
    {
        int apiPort = FreePorts.Take(), managementPort = FreePorts.Take(), dnsPort = FreePorts.Take(), dnsManagementPort = FreePorts.Take();
        string listen = (Options.ListenAddress ?? IPAddress.Loopback).ToString();
        CaFile = WriteHttpsCertificate(listen);
        string config = Path.Combine(_folder.Path, "pebble-config.json");
        string validity = Options.CertificateValiditySeconds is { } seconds
            ? $",\n    \"certificateValidityPeriod\": {seconds.ToString(CultureInfo.InvariantCulture)}" : "";
        File.WriteAllText(config, $$"""
            {
              "pebble": {
                "listenAddress": "{{listen}}:{{apiPort}}",
                "managementListenAddress": "127.0.0.1:{{managementPort}}",
                "certificate": "{{Path.Combine(_folder.Path, "pebble-cert.pem")}}",
                "privateKey": "{{Path.Combine(_folder.Path, "pebble-key.pem")}}",
                "httpPort": {{Options.HttpPort}},
                "tlsPort": {{Options.TlsPort}},
                "ocspResponderURL": "",
                "externalAccountBindingRequired": false{{validity}}
              }
            }
            """);

        // DNS only: every A query answers 127.0.0.1; AAAA answers nothing, because Pebble 2.4.0 asks AAAA
        // first and dials the first address, and the test's listeners are on 127.0.0.1, not ::1.
        Start("/usr/bin/pebble-challtestsrv", ["-dns01", $"127.0.0.1:{dnsPort}", "-http01", "", "-https01", "", "-tlsalpn01", "",
            "-management", $"127.0.0.1:{dnsManagementPort}", "-defaultIPv4", (Options.NamesResolveTo ?? IPAddress.Loopback).ToString(), "-defaultIPv6", ""],
            new Dictionary<string, string>());
        await Poll.UntilAsync(async () => StillRunning() && await CanConnectAsync(dnsPort), StartTimeout, "pebble-challtestsrv's DNS (TCP) listening");

        Start("/usr/bin/pebble", ["-config", config, "-strict", "-dnsserver", $"127.0.0.1:{dnsPort}"], new Dictionary<string, string>
        {
            ["PEBBLE_VA_NOSLEEP"] = "1", // else up to 15 s of random sleep before each validation
            ["PEBBLE_WFE_NONCEREJECT"] = Options.NonceRejectPercent.ToString(CultureInfo.InvariantCulture),
            ["PEBBLE_AUTHZREUSE"] = Options.AuthorizationReusePercent.ToString(CultureInfo.InvariantCulture),
        });

        DirectoryUrl = new Uri($"https://{listen}:{apiPort}/dir");
        using var http = CreateHttpClient();
        await Poll.UntilAsync(async () => StillRunning() && await AnswersAsync(http, DirectoryUrl), StartTimeout, "Pebble's /dir answering");
        string rootPem = await http.GetStringAsync(new Uri($"https://127.0.0.1:{managementPort}/roots/0"));
        IssuingRoot = X509Certificate2.CreateFromPem(rootPem);
    }

    // True while every process started lives; one that exited during start-up will never answer.
    private bool StillRunning() =>
        _processes.All(process => !process.HasExited) ? true : throw new PebbleExitedException($"Pebble exited while starting:\n{Log}");

    private sealed class PebbleExitedException(string message) : Exception(message);

    private async Task<bool> CanConnectAsync(int port)
    {
        if (Options.NetworkOf is not int pid)
        {
            return await Poll.CanConnectAsync(port);
        }

        try
        {
            (await NetworkNamespace.ConnectAsync(pid, new IPEndPoint(IPAddress.Loopback, port))).Dispose();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Start(string file, string[] arguments, Dictionary<string, string> environment)
    {
        // nsenter enters the namespace and then becomes the program, so killing it kills the program.
        string[] command = Options.NetworkOf is int pid
            ? ["nsenter", "--target", pid.ToString(CultureInfo.InvariantCulture), "--net", file, .. arguments]
            : [file, .. arguments];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        _processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Append(line).Append('\n');
            }
        }
    }

    /// <summary>Pebble's HTTPS certificate, self-signed for 127.0.0.1, localhost and its listen address; the file is both its certificate and the client's trust anchor.</summary>
    private string WriteHttpsCertificate(string listen)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = SelfSigned.Create(key, ["127.0.0.1", "localhost", .. listen == "127.0.0.1" ? Array.Empty<string>() : [listen]], now.AddMinutes(-5), now.AddDays(1));
        string certificatePath = Path.Combine(_folder.Path, "pebble-cert.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder.Path, "pebble-key.pem"), key.ExportPkcs8PrivateKeyPem());
        return certificatePath;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        IssuingRoot?.Dispose();
        _folder.Dispose();
    }
}
