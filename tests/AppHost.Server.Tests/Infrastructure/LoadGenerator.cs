using System.Net;
using System.Net.Security;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Continuous load from real HTTP clients (half HTTP/1.1, half HTTP/2), each looping GET until
/// stopped, counting every answer and every failure. Bounded: it stops by itself after
/// <see cref="MaxDuration"/> or <see cref="MaxRequests"/> requests.
/// </summary>
/// <remarks>
/// Where a server is expected to close connections (a restart), a GET the server closed its HTTP/2
/// connection under, gracefully and without having started it, can be sent once more, as browsers
/// do (HttpClient itself does not): a request that crossed the server's closing GOAWAY on the wire.
/// It is then counted in <see cref="Retried"/>, not as a failure.
/// </remarks>
public sealed class LoadGenerator : IAsyncDisposable
{
    public const int MaxRequests = 200_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);
    private const long NoError = 0; // HTTP/2's error code of a graceful close

    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly bool _retryGracefulClose;
    private readonly List<Task> _loops = [];
    private readonly List<string> _failures = [];
    private int _succeeded;
    private int _retried;

    private LoadGenerator(Uri address, int clients, string path, bool retryGracefulClose)
    {
        _retryGracefulClose = retryGracefulClose;
        for (int i = 0; i < clients; i++)
        {
            var version = i % 2 == 0 ? HttpVersion.Version11 : HttpVersion.Version20;
            _loops.Add(Task.Run(() => LoopAsync(address, version, path)));
        }
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    /// <summary>GETs sent again because the server closed their HTTP/2 connection gracefully before answering.</summary>
    public int Retried => Volatile.Read(ref _retried);

    // A real endpoint: /healthz rightly answers 503 while a stopping server finishes its requests.
    public static LoadGenerator Start(Uri address, int clients = 4, string path = "/api/greeting?name=load", bool retryGracefulClose = false) =>
        new(address, clients, path, retryGracefulClose);

    /// <summary>Stops the clients and returns what they saw.</summary>
    public async Task<(int Succeeded, IReadOnlyList<string> Failures)> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        lock (_failures)
        {
            return (Succeeded, [.. _failures]);
        }
    }

    /// <summary>Waits until the clients have had <paramref name="more"/> further answers (proof the server is serving).</summary>
    public Task AnswersAsync(int more, TimeSpan timeout)
    {
        int target = Succeeded + more;
        return Poll.UntilAsync(() => Task.FromResult(Succeeded >= target), timeout, $"{more} more answers under load");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private async Task LoopAsync(Uri address, Version version, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            // Trusts any certificate: these clients count answers; certificate checks are other tests' job.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            // New connections keep coming, so handshakes happen throughout, not only at the start.
            PooledConnectionLifetime = TimeSpan.FromMilliseconds(300),
        })
        {
            BaseAddress = address,
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        // Whether the last GET is being sent again: a request is resent once, never twice.
        bool resending = false;
        while (!_stop.IsCancellationRequested && Succeeded < MaxRequests)
        {
            try
            {
                using var response = await client.GetAsync(path, _stop.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    Fail($"{version}: status {(int)response.StatusCode}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e) when (_retryGracefulClose && !resending && e.InnerException is HttpProtocolException { ErrorCode: NoError })
            {
                // GOAWAY with NO_ERROR, then the connection closed before this stream had an answer:
                // the server never started it (it finishes every stream it started before closing).
                Interlocked.Increment(ref _retried);
                resending = true;
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail($"{version}: {e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
            }

            resending = false;
        }
    }

    private void Fail(string failure)
    {
        lock (_failures)
        {
            _failures.Add(failure);
        }
    }
}
