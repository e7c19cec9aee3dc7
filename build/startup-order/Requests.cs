using System.Diagnostics;
using System.Net;
using System.Text;

/// <summary>What a new server meets first: a client polling until it answers, then each endpoint.</summary>
internal static class Requests
{
    public static async Task WaitUntilServingAsync(int port, bool tls, Process app, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!LoopbackProbe.TryGet(port, tls, "/healthz"))
        {
            if (app.HasExited || clock.Elapsed > limit)
            {
                throw new InvalidOperationException(
                    $"the app did not answer {(tls ? "https" : "http")}://127.0.0.1:{port}/healthz under valgrind within {limit.TotalMinutes} minutes; "
                    + "try it by hand: valgrind --tool=lackey <the published file> --port 8443");
            }

            await Task.Delay(200); // valgrind runs the app about 50 times slower; no need to poll faster
        }
    }

    public static async Task SendAsync(int port, bool tls)
    {
        // New connections, as build/measure-startup.cs and most clients make them.
        for (int i = 0; i < 20; i++)
        {
            LoopbackProbe.TryGet(port, tls, "/healthz");
        }

        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"{(tls ? "https" : "http")}://localhost:{port}") };
        foreach (var version in tls ? new[] { HttpVersion.Version11, HttpVersion.Version20 } : [HttpVersion.Version11])
        {
            foreach (string path in new[] { "/", "/healthz", "/api/greeting?name=order", "/missing" })
            {
                await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
            }

            var post = new StringContent("""{"name":"order"}""", Encoding.UTF8, "application/json");
            await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/greeting") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = post });
        }

        // Idle long enough for the timers an idle server runs (Kestrel checks its connections every second).
        await Task.Delay(TimeSpan.FromSeconds(3));
    }

    /// <summary>Prometheus's scrapes: a few, on one connection as a scraper keeps it, then idle as between scrapes.</summary>
    public static async Task ScrapeAsync(int metricsPort)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        // Three: the first creates every series, the next ones only read them.
        for (int i = 0; i < 3; i++)
        {
            using var page = await client.GetAsync("/metrics");
            page.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
    }
}
