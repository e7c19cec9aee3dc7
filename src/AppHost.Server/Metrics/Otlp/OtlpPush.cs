using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using AppHost.Running;
using Microsoft.AspNetCore.Hosting.Server;

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

    private readonly MetricsPage _page;
    private readonly Uri _endpoint;
    private readonly IServer? _server;
    private readonly string _appName, _appVersion, _appHostVersion;
    private readonly Serilog.ILogger _log;
    private readonly OtlpPost _post;
    private readonly ProtobufWriter _buffer = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _failedInARow;

    private OtlpPush(MetricsPage page, Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan interval, string appName, IServer? server, Serilog.ILogger log)
    {
        (_page, _endpoint, _appName, _server, _log) = (page, endpoint, appName, server, log);
        _appVersion = ReadyFileWriter.VersionOf(Assembly.GetEntryAssembly());
        _appHostVersion = ReadyFileWriter.VersionOf(typeof(OtlpPush).Assembly);
        _post = new OtlpPost(endpoint, $"AppHost/{_appHostVersion}", headers);
        _loop = RunAsync(interval);
    }

    /// <summary>Starts pushing the page's metrics to the endpoint every interval.</summary>
    /// <param name="page">The collection pushed.</param>
    /// <param name="endpoint">The receiver's URL, checked already.</param>
    /// <param name="headers">Sent with every push: --otlp-headers-file's, checked already.</param>
    /// <param name="interval">From 1 s to an hour, checked already.</param>
    /// <param name="appName">service.name.</param>
    /// <param name="server">The app's server, whose port names this instance.</param>
    /// <param name="log">Where the start and failed pushes are reported.</param>
    public static OtlpPush Start(MetricsPage page, Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan interval, string appName, IServer? server, Serilog.ILogger log)
    {
        log.Information("Metrics pushed by OTLP to {Endpoint} every {Interval} s", endpoint, (int)interval.TotalSeconds);
        if (headers.Count > 0)
        {
            // By name only: their values are keys. A loop, not LINQ, which would be generic code over
            // KeyValuePair of its own in every file (docs/metrics.md).
            var names = new string[headers.Count];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = headers[i].Key;
            }

            log.Information("OTLP pushes carry the headers {Headers}", string.Join(", ", names));
        }

        return new OtlpPush(page, endpoint, headers, interval, appName, server, log);
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
                await PushAsync(_stop.Token, last: false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: the last push follows.
        }

        using (var last = new CancellationTokenSource(LastPushTimeout))
        {
            await PushAsync(last.Token, last: true);
        }
    }

    // Never throws but for the stop's cancellation, which ends the loop: whatever else goes wrong is reported, and the next push tries again.
    private async Task PushAsync(CancellationToken cancel, bool last)
    {
        string? problem;
        Exception? unexpected = null;
        try
        {
            var body = _page.RenderOtlp(_buffer, Resource());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(SendTimeout);
            // Off the socket event thread the reply completed on (InlineSocketCompletions): what follows
            // may log, and a console write that waits on a full journal would stall every connection.
            problem = await _post.SendAsync(body, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch (OperationCanceledException) when (cancel == _stop.Token && cancel.IsCancellationRequested)
        {
            // The stop interrupted it: not a failure, since the last push follows at once.
            throw;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            problem = $"no answer within {LastPushTimeout.TotalSeconds} s";
        }
        catch (OperationCanceledException)
        {
            problem = $"no answer within {SendTimeout.TotalSeconds} s";
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            // Connection refused, no such host, a broken connection, an untrusted certificate: their own words.
            problem = e.Message;
        }
        catch (Exception e)
        {
            // A bug, or an observable instrument's callback that threw: logged with its stack, and the server serves on.
            (problem, unexpected) = (e.Message, e);
        }

        Report(problem, unexpected, last);
    }

    // One warning when pushes start failing and one line when they work again, rather than a line every
    // interval while a receiver is down; and the last push's failure, since no push follows it.
    private void Report(string? problem, Exception? unexpected, bool last)
    {
        if (problem is null)
        {
            if (_failedInARow > 0)
            {
                _log.Information("OTLP push to {Endpoint} works again, after {Failed} failed", _endpoint, _failedInARow);
            }

            _failedInARow = 0;
        }
        else if (last)
        {
            _log.Warning(unexpected, "OTLP push to {Endpoint} as the server stopped failed: {Problem}; the totals since the last push that worked are not sent", _endpoint, problem);
        }
        else if (_failedInARow++ == 0)
        {
            _log.Warning(unexpected, "OTLP push to {Endpoint} failed: {Problem}; the next push carries the totals, and this is not logged again until one succeeds", _endpoint, problem);
        }
    }

    // OpenTelemetry's resource conventions; Prometheus makes job from service.name and instance from service.instance.id.
    private KeyValuePair<string, object?>[] Resource() => [
        new("service.name", _appName),
        new("service.version", _appVersion),
        new("service.instance.id", ServiceInstance.Id(_server)),
        new("telemetry.sdk.name", "apphost"),
        new("telemetry.sdk.language", "dotnet"),
        new("telemetry.sdk.version", _appHostVersion)];
}
