using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP metrics receiver on a free loopback port (otlp_receiver.py, run with Debian's python3):
/// each request the server pushes is decoded strictly with OTLP's official generated classes (Debian
/// trixie's python3-opentelemetry-proto, unpacked by .ci/run) and kept as protobuf's canonical JSON;
/// each request it refuses is kept in <see cref="Errors"/>. Killed on dispose.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    // Python and protobuf start in a tenth of a second here; generous for a loaded machine.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "otlp_receiver.py");

    // Where .ci/run unpacks the .deb; its Python modules are under usr/lib/python3/dist-packages.
    private static readonly string PythonPath = Path.Combine(
        Environment.GetEnvironmentVariable("APPHOST_TEST_CACHE") ?? "/var/cache/apphost-tests", "otel-proto", "usr", "lib", "python3", "dist-packages");

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _requests = [];
    private readonly List<string> _errors = [];
    private readonly StringBuilder _stderr = new();

    private OtlpReceiver(Process process) => _process = process;

    /// <summary>Where an OTLP/HTTP exporter pushes metrics: http://127.0.0.1:PORT/v1/metrics.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Each refused request's status and reason ("400 not an ExportMetricsServiceRequest ..."), in arrival order.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Starts the receiver and waits until it listens.</summary>
    /// <param name="requireHeader">"Name: value": a request without this header is refused with 401, as by a collector that checks a key.</param>
    /// <param name="tls">A PEM chain (leaf first) and its key: the receiver speaks HTTPS, and <see cref="Endpoint"/> names localhost, the leaf's name.</param>
    /// <param name="inNetwork">A command that runs another in a network namespace (nsenter --net): the receiver listens on that namespace's loopback.</param>
    public static async Task<OtlpReceiver> StartAsync(string? requireHeader = null, (string Chain, string Key)? tls = null, IReadOnlyList<string>? inNetwork = null)
    {
        if (!File.Exists(Path.Combine(PythonPath, "opentelemetry", "proto", "collector", "metrics", "v1", "metrics_service_pb2.py")))
        {
            throw new InvalidOperationException($"OTLP's generated classes are not in {PythonPath}; run .ci/run (as root), which unpacks Debian's python3-opentelemetry-proto there");
        }

        // Debian's python3 by its path: another python3 first on PATH lacks Debian's python3-protobuf.
        string[] command = [.. inNetwork ?? [], "/usr/bin/python3", Script];
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            Environment = { ["PYTHONPATH"] = PythonPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Never written or closed: the receiver ends when it closes, so it cannot outlive this process.
            RedirectStandardInput = true,
        };
        if (requireHeader is not null)
        {
            start.ArgumentList.Add("--require-header");
            start.ArgumentList.Add(requireHeader);
        }

        if (tls is { } files)
        {
            start.ArgumentList.Add("--tls");
            start.ArgumentList.Add(files.Chain);
            start.ArgumentList.Add(files.Key);
        }

        var receiver = new OtlpReceiver(Process.Start(start)!);
        try
        {
            receiver.Listen();
            // Exited, it has written all it will: WaitForExitAsync also waits for the end of both streams.
            var exited = receiver._process.WaitForExitAsync();
            if (await Task.WhenAny(receiver._port.Task, exited).WaitAsync(StartTimeout) == exited)
            {
                throw new InvalidOperationException($"the OTLP receiver exited with {receiver._process.ExitCode} before listening: {receiver.Stderr()}");
            }

            receiver.Endpoint = new Uri(tls is null ? $"http://127.0.0.1:{await receiver._port.Task}/v1/metrics" : $"https://localhost:{await receiver._port.Task}/v1/metrics");
            return receiver;
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first request received, before or within <paramref name="within"/>, that <paramref name="match"/> accepts.</summary>
    /// <param name="match">Given a request as protobuf's JSON mapping of ExportMetricsServiceRequest ({"resourceMetrics": [...]}).</param>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        int looked = 0;
        while (true)
        {
            JsonElement[] arrived;
            lock (_gate)
            {
                arrived = [.. _requests.Skip(looked)];
            }

            foreach (var request in arrived)
            {
                if (match(request))
                {
                    return request;
                }
            }

            looked += arrived.Length;
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the OTLP receiver exited with {_process.ExitCode}: {Stderr()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no OTLP request matched within {within.TotalSeconds} s; {looked} arrived, refused: [{string.Join("; ", Errors)}]");
            }

            // Pacing while the exporter pushes, not synchronisation: every arrival is looked at.
            await Task.Delay(20);
        }
    }

    /// <summary>Every metric in a request, across its resources and scopes; the JSON mapping leaves empty lists out.</summary>
    public static IEnumerable<JsonElement> Metrics(JsonElement request) =>
        Items(request, "resourceMetrics").SelectMany(resource => Items(resource, "scopeMetrics")).SelectMany(scope => Items(scope, "metrics"));

    /// <summary>The requests a push counts for a route: the sum of its histogram points' counts (one per method, status, protocol).</summary>
    public static long RouteCount(JsonElement request, string route)
    {
        var duration = Metrics(request).FirstOrDefault(m => m.GetProperty("name").GetString() == "http.server.request.duration");
        if (duration.ValueKind == JsonValueKind.Undefined)
        {
            return 0;
        }

        var points = duration.GetProperty("histogram").GetProperty("dataPoints").EnumerateArray();
        // fixed64 is a string in protobuf's JSON mapping.
        return points.Where(p => p.GetProperty("attributes").EnumerateArray().Any(a => a.GetProperty("key").GetString() == "http.route" && a.GetProperty("value").GetProperty("stringValue").GetString() == route))
            .Sum(p => long.Parse(p.GetProperty("count").GetString()!, CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Listen()
    {
        _process.OutputDataReceived += (_, line) => Receive(line.Data);
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_gate)
            {
                _stderr.AppendLine(line.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    // The receiver's interface is its stdout: the port first, then one line per request. Nothing here may
    // throw: an exception in a process's output event ends the test host.
    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (!_port.Task.IsCompleted)
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            {
                _port.TrySetResult(port);
            }
            else
            {
                _port.TrySetException(new InvalidOperationException($"the OTLP receiver's first line is not its port: '{line}'"));
            }

            return;
        }

        lock (_gate)
        {
            if (line.StartsWith("ERROR ", StringComparison.Ordinal))
            {
                _errors.Add(line["ERROR ".Length..]);
                return;
            }

            try
            {
                // Cloned, so the element outlives its document, whose pooled memory goes back now.
                using var request = JsonDocument.Parse(line);
                _requests.Add(request.RootElement.Clone());
            }
            catch (JsonException error)
            {
                _errors.Add($"unreadable line from the receiver ({error.Message}): {line}");
            }
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement message, string list) =>
        message.TryGetProperty(list, out var items) ? items.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private string Stderr()
    {
        lock (_gate)
        {
            return _stderr.ToString().Trim();
        }
    }
}
