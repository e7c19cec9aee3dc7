using System.Net;
using System.Net.Security;

namespace AppHostSample.Tests.Infrastructure;

/// <summary>
/// Continuous load from real HTTP clients (half HTTP/1.1, half HTTP/2), each looping GET until
/// stopped, counting every answer and every failure. Bounded: it stops by itself after
/// <see cref="MaxDuration"/> or <see cref="MaxRequests"/> requests.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);
    public const int MaxRequests = 200_000;

    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly List<Task> _loops = [];
    private readonly List<string> _failures = [];
    private int _succeeded;

    private LoadGenerator(Uri address, int clients, string path)
    {
        for (int i = 0; i < clients; i++)
        {
            var version = i % 2 == 0 ? HttpVersion.Version11 : HttpVersion.Version20;
            _loops.Add(Task.Run(() => LoopAsync(address, version, path)));
        }
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    // A real endpoint: /healthz rightly answers 503 while a stopping server finishes its requests.
    public static LoadGenerator Start(Uri address, int clients = 4, string path = "/api/greeting?name=load") => new(address, clients, path);

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
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail($"{version}: {e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
            }
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
