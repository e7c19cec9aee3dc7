using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace AppHost.Stopping;

/// <summary>
/// One connection's part in a graceful stop. Kestrel, on stop, asks every connection to close at
/// once, and an idle or brand-new connection then closes without reading the request its client
/// may already have sent. This stands between the two: it takes Kestrel's request and passes it on
/// only when nothing can be lost. Kestrel's HTTP layer listens to <see cref="ConnectionClosedRequested"/>,
/// which is this object's token, not Kestrel's.
/// </summary>
/// <remarks>
/// HTTP/1.1: a request in progress whose response has not started is told at once, so its
/// response carries <c>Connection: close</c>. One whose headers already went out said keep-alive,
/// so its client may send the next request the moment it ends: closing after it would lose that
/// request, so the connection is treated as idle once it ends. An idle or new connection gets
/// <see cref="Grace"/> for a request already on its way, which is then answered with
/// <c>Connection: close</c>; a connection still silent after it is closed.
/// HTTP/2: the two-step GOAWAY of RFC 9113 §6.8 through <see cref="Http2GoAwayPump"/>; Kestrel is
/// told once the client has acknowledged the first GOAWAY's PING, so every stream it opened before
/// is served. Kestrel's own timeouts no longer run once it stops (its heartbeat ends), so these
/// timers are what bound a silent connection; <c>--shutdown-timeout</c> bounds everything.
/// </remarks>
internal sealed class ConnectionDrain : IConnectionLifetimeNotificationFeature, IDisposable
{
    /// <summary>
    /// How long an idle or new connection may still send a request after the stop begins. A request
    /// already on the wire arrives within one round trip, and 1 s covers the slowest real paths
    /// (satellite and congested mobile links, 600-800 ms); each stop waits this long at most for
    /// idle connections while the listening socket queues new ones for the next process.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an HTTP/2 client may take to acknowledge the first GOAWAY's PING. A live client
    /// answers within one round trip and so ends the wait itself; only a dead or stalled one meets
    /// this bound, and a stalled one is the likeliest to have streams in flight, which are refused
    /// if Kestrel is told before it reads them. 10 s rides out a pause of the client or of this
    /// process under load (1 s once lost a batch of streams on a busy 2-core machine, and 5 s
    /// lost the crossing stream of GracefulStopTests once, with the test suite loading both cores)
    /// and keeps a restart with a dead client to a third of the unit's 30 s --shutdown-timeout.
    /// </summary>
    public static readonly TimeSpan AcknowledgementTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _close = new();
    private readonly Lock _lock = new();
    private readonly Http2GoAwayPump? _http2;
    private ITimer? _graceTimer;
    private int _activeRequests;
    private bool _responseStarted;
    private bool _stopping;
    private bool _told;

    public ConnectionDrain(Http2GoAwayPump? http2)
    {
        _http2 = http2;
        if (http2 is not null)
        {
            http2.Acknowledged += TellKestrel;
        }
    }

    /// <summary>What Kestrel's HTTP layer waits on to stop taking requests on this connection.</summary>
    public CancellationToken ConnectionClosedRequested
    {
        get => _close.Token;
        set { } // Kestrel only reads it; the token is this object's own.
    }

    /// <summary>Whether the server has begun to stop (tests wait on it to time their requests).</summary>
    internal bool Stopping
    {
        get
        {
            lock (_lock)
            {
                return _stopping;
            }
        }
    }

    /// <summary>The app, or a client's GOAWAY, asks to close: that goes through at once, as without a drain.</summary>
    public void RequestClose() => TellKestrel();

    /// <summary>Kestrel is stopping and asked this connection to close.</summary>
    public void ServerStopping()
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            if (_http2 is not null)
            {
                // The first GOAWAY and its PING; the acknowledgement tells Kestrel. A client that never
                // answers is told all the same when the wait for it ends.
                _http2.BeginGoAway();
                StartGrace(AcknowledgementTimeout);
                return;
            }

            if (_activeRequests == 0)
            {
                StartGrace(Grace);
            }
            else if (!_responseStarted)
            {
                TellKestrelLocked();
            }

            // Else the response under way said keep-alive: its end starts the grace (RequestEnded).
        }
    }

    /// <summary>A request starts on this connection (called by the first middleware); HTTP/1.1 only, HTTP/2's stop follows its frames.</summary>
    public void RequestStarted(HttpResponse response)
    {
        if (_http2 is not null)
        {
            return;
        }

        lock (_lock)
        {
            _activeRequests++;
            if (_stopping)
            {
                // Told now, Kestrel answers this request with Connection: close.
                TellKestrelLocked();
                return;
            }

            _responseStarted = false;
            // Kestrel decides on Connection: close after these callbacks, so once this one has run,
            // telling Kestrel would end the connection without saying so.
            response.OnStarting(static drain => ((ConnectionDrain)drain).ResponseStarting(), this);
        }
    }

    public void RequestEnded()
    {
        if (_http2 is not null)
        {
            return;
        }

        lock (_lock)
        {
            _activeRequests--;
            if (_stopping && _activeRequests == 0 && !_told)
            {
                StartGrace(Grace);
            }
        }
    }

    public void Dispose()
    {
        if (_http2 is not null)
        {
            _http2.Acknowledged -= TellKestrel;
        }

        lock (_lock)
        {
            _graceTimer?.Dispose();
            _told = true;
        }

        _close.Dispose();
    }

    private Task ResponseStarting()
    {
        lock (_lock)
        {
            _responseStarted = true;
        }

        return Task.CompletedTask;
    }

    // Kestrel is told when the grace ends, unless something tells it sooner.
    private void StartGrace(TimeSpan grace) => _graceTimer = TimeProvider.System.CreateTimer(static s => ((ConnectionDrain)s!).TellKestrel(), this, grace, Timeout.InfiniteTimeSpan);

    private void TellKestrel()
    {
        lock (_lock)
        {
            TellKestrelLocked();
        }
    }

    private void TellKestrelLocked()
    {
        if (_told)
        {
            return;
        }

        _told = true;
        _graceTimer?.Dispose();
        // From here Kestrel ends the connection its own way: HTTP/1.1 after the current response,
        // HTTP/2 with GOAWAY(last stream) once its streams are done.
        _close.Cancel();
        if (_stopping)
        {
            _http2?.KeepWaking();
        }
    }
}
