using System.Net.Http.Headers;
using System.Reflection;
using AppHost.Running;

namespace AppHost.Metrics.Otlp;

/// <summary>
/// Sends the metrics to an OTLP/HTTP receiver (an OpenTelemetry Collector, or a backend that speaks
/// OTLP) every interval, and once more as the server stops. Totals are cumulative, so a push that
/// fails loses nothing the next one does not carry; it is not retried, and the server never waits for it.
/// </summary>
internal sealed class OtlpPush : IAsyncDisposable
{
    // A push is tens of KB to a receiver on this machine or near it; a receiver that takes longer is
    // failing, and pushes are one at a time, so a slow one delays the next rather than piling up.
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    // The last push, as the server stops: enough for a receiver nearby, and short beside systemd's stop timeout.
    private static readonly TimeSpan LastPushTimeout = TimeSpan.FromSeconds(2);

    // OTLP/HTTP's binary encoding, which every receiver accepts (JSON is optional for some).
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly MetricsPage _page;
    private readonly Uri _endpoint;
    private readonly KeyValuePair<string, object?>[] _resource;
    private readonly Serilog.ILogger _log;
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = SendTimeout }) { Timeout = SendTimeout };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _failedInARow;

    private OtlpPush(MetricsPage page, Uri endpoint, TimeSpan interval, string appName, Serilog.ILogger log)
    {
        (_page, _endpoint, _log) = (page, endpoint, log);
        string appHostVersion = ReadyFileWriter.VersionOf(typeof(OtlpPush).Assembly);
        // OpenTelemetry's resource conventions. Prometheus makes job from service.name and instance from
        // service.instance.id: the machine's name, so a fleet's series are told apart and a restart keeps them.
        _resource = [
            new("service.name", appName),
            new("service.version", ReadyFileWriter.VersionOf(Assembly.GetEntryAssembly())),
            new("service.instance.id", Environment.MachineName),
            new("telemetry.sdk.name", "apphost"),
            new("telemetry.sdk.language", "dotnet"),
            new("telemetry.sdk.version", appHostVersion)];
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("AppHost", appHostVersion));
        _loop = RunAsync(interval);
    }

    /// <summary>Starts pushing <paramref name="page"/>'s metrics to <paramref name="endpoint"/> every <paramref name="interval"/>.</summary>
    public static OtlpPush Start(MetricsPage page, Uri endpoint, TimeSpan interval, string appName, Serilog.ILogger log)
    {
        log.Information("Metrics pushed by OTLP to {Endpoint} every {Interval} s", endpoint, (int)interval.TotalSeconds);
        return new OtlpPush(page, endpoint, interval, appName, log);
    }

    /// <summary>Stops the interval, then pushes the last totals.</summary>
    /// <returns>A task that completes once the last push is done or has timed out.</returns>
    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        return new ValueTask(_loop);
    }

    // The pushes, then the last one as the server stops. One async method for the whole life, rather
    // than one more for DisposeAsync: each is a state machine's code in every file.
    private async Task RunAsync(TimeSpan interval)
    {
        try
        {
            // A delay after each push rather than a PeriodicTimer: the same for a push of milliseconds, and
            // Task.Delay is in every file already (PeriodicTimer would add 2 KB).
            while (true)
            {
                await Task.Delay(interval, _stop.Token);
                await PushAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            using var last = new CancellationTokenSource(LastPushTimeout);
            await PushAsync(last.Token);
        }
        catch (Exception e)
        {
            // A bug here must not end the server, which serves on without its pushes: said once, loudly.
            _log.Error(e, "OTLP pushes to {Endpoint} stopped", _endpoint);
        }
        finally
        {
            _http.Dispose();
        }
    }

    private async Task PushAsync(CancellationToken cancel)
    {
        string? problem;
        try
        {
            using var request = _page.RenderOtlp(_resource);
            // ByteArrayContent, which ACME's requests use already, rather than ReadOnlyMemoryContent and its stream (3 KB more of file).
            var body = request.Finish();
            using var content = new ByteArrayContent(body.Array!, body.Offset, body.Count);
            content.Headers.ContentType = Protobuf;
            using var response = await _http.PostAsync(_endpoint, content, cancel);
            problem = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (cancel == _stop.Token && cancel.IsCancellationRequested)
        {
            // The stop interrupted it: not a failure, since the last push follows at once.
            return;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            problem = $"no answer within {LastPushTimeout.TotalSeconds} s as the server stopped";
        }
        catch (TaskCanceledException)
        {
            // HttpClient's own timeout.
            problem = $"no answer within {SendTimeout.TotalSeconds} s";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The socket's reason (connection refused, no route) is the inner exception's.
            problem = e.InnerException?.Message ?? e.Message;
        }

        Report(problem);
    }

    // One warning when pushes start failing and one line when they work again, rather than a line every
    // interval while a receiver is down.
    private void Report(string? problem)
    {
        if (problem is null)
        {
            if (_failedInARow > 0)
            {
                _log.Information("OTLP push to {Endpoint} works again, after {Failed} failed", _endpoint, _failedInARow);
            }

            _failedInARow = 0;
            return;
        }

        if (_failedInARow++ == 0)
        {
            _log.Warning("OTLP push to {Endpoint} failed: {Problem}; the next push carries the totals, and this is not logged again until one succeeds", _endpoint, problem);
        }
    }
}
