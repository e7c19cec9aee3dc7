using System.Net;
using System.Net.Sockets;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Metrics;

/// <summary>A real Prometheus scrapes the native file's /metrics: what an operator's set-up sees.</summary>
[Collection(NativeAppCollection.Name)]
public sealed class PrometheusScrapeTests(NativeAppFixture native)
{
    // Prometheus scrapes every second; a few scrapes on a loaded machine.
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(60);

    // Grafana's $__rate_interval is at least four scrape intervals (4 s here), longer for a wider time
    // range. A minute holds every scrape of this test's traffic, so each rate has the two samples it
    // needs, and the traffic's rise between them, while the queries are asked, however slow the machine.
    private const string RateWindow = "1m";

    // The sample answers 5xx only while it stops (/healthz's 503), so here a selector of 5xx responses can
    // only be empty. The dashboard's queries are asked with every status class in its place instead.
    private const string ServerErrors = "http_response_status_code=~\"5..\"";
    private const string AnyStatus = "http_response_status_code=~\"[1-5]..\"";

    [Fact]
    public async Task PrometheusScrapesTheNativeFileAndCountsEachRequest()
    {
        await using var app = await SampleApp.StartAsync(["--metrics-port", "0"], environment: null, executable: await native.WithMetricsAsync());
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{app.MetricsAddress!.Port}");
        using var client = new HttpClient { BaseAddress = app.Address };
        const int Requests = 25;
        for (int i = 0; i < Requests; i++)
        {
            (await client.GetAsync($"/api/greeting?name=p{i}")).EnsureSuccessStatusCode();
        }

        await Poll.UntilAsync(async () => await prometheus.TargetHealthAsync() == "up", ScrapeWait, "the target being up");
        const string Count = "sum(http_server_request_duration_seconds_count{job=\"apphost\",http_route=\"/api/greeting\"})";
        await Poll.UntilAsync(async () => await prometheus.QueryAsync(Count) == Requests, ScrapeWait, $"Prometheus counting {Requests} requests");
        // The runtime's and the process's metrics record in the native file too.
        Assert.True(await prometheus.QueryAsync("sum(dotnet_gc_heap_total_allocated_bytes_total{job=\"apphost\"})") > 0);
        Assert.True(await prometheus.QueryAsync("process_resident_memory_bytes{job=\"apphost\"}") > 0);
    }

    /// <summary>
    /// Each query of docs/grafana-dashboard.json, as Grafana sends it for this instance, finds series in
    /// Prometheus, each of its selectors on its own too; for another job or instance it finds none.
    /// </summary>
    [Fact]
    public async Task EveryDashboardQueryFindsSeriesOfTheChosenInstanceOnly()
    {
        var dashboard = GrafanaDashboard.Load();
        // One connection at most, so that a second one is rejected and that panel has something to show.
        await using var app = await SampleApp.StartAsync(["--cert", native.Certificates.Pfx, "--metrics-port", "0", "--max-connections", "1"],
            environment: null, executable: await native.WithMetricsAsync());
        string instance = $"127.0.0.1:{app.MetricsAddress!.Port}";
        await using var prometheus = await PrometheusServer.StartAsync(instance);
        // The traffic comes after the first scrape, so each counter rises within the window rather than starting at its total.
        await Poll.UntilAsync(async () => await prometheus.TargetHealthAsync() == "up", ScrapeWait, "the target being up");
        await MakeWhatThePanelsShowAsync(app);

        // The ACME panels need a certificate from a CA: CertificateMetricsTests asks them with Pebble.
        foreach (var query in dashboard.Queries.Where(query => !query.IsAboutAcme))
        {
            // As written, 5xx and all: Prometheus parses it, or this fails with its message.
            await prometheus.SeriesAsync(query.For("apphost", instance, RateWindow));
            // With any status for 5xx, the 2xx and 4xx series answer: the rest of the query (names, labels,
            // variables) is right, and only the absence of server errors leaves the panel empty here.
            string Asked(string job, string at) => query.For(job, at, RateWindow).Replace(ServerErrors, AnyStatus, StringComparison.Ordinal);
            string asked = Asked("apphost", instance);

            await Poll.UntilAsync(async () => await prometheus.SeriesAsync(asked) > 0, ScrapeWait, $"{query} finding a series: {asked}");
            foreach (string selector in GrafanaDashboard.Selectors(asked))
            {
                // One behind 'or' could be misspelt and the whole still answer.
                Assert.True(await prometheus.SeriesAsync(selector) > 0, $"{query}: {selector} finds no series");
            }

            // Every selector is the chosen job's and instance's, so nothing of another shows.
            Assert.True(await prometheus.SeriesAsync(Asked("apphost", "127.0.0.2:9100")) == 0, $"{query} finds series of another instance: {query.Expr}");
            Assert.True(await prometheus.SeriesAsync(Asked("another", instance)) == 0, $"{query} finds series of another job: {query.Expr}");
        }
    }

    [Fact]
    public async Task PromtoolFindsNoProblemInTheNativeFilesExposition()
    {
        await using var app = await SampleApp.StartAsync(["--cert", native.Certificates.Pfx, "--metrics-port", "0"], environment: null, executable: await native.WithMetricsAsync());
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);
        (await client.GetAsync("/api/greeting")).EnsureSuccessStatusCode();
        var scrape = await Exposition.ScrapeAsync(app.MetricsAddress!);

        var check = await CommandRun.RunAsync(["promtool", "check", "metrics"], input: new MemoryStream(System.Text.Encoding.UTF8.GetBytes(scrape.Text)));

        Assert.True(check.ExitCode == 0 && check.Output.Trim().Length == 0 && check.Errors.Trim().Length == 0,
            $"promtool: exit {check.ExitCode}\n{check.Output}\n{check.Errors}");
        Assert.Contains(scrape.Of("kestrel_tls_handshake_duration_seconds_count"), s => s.Value >= 1);
        Assert.Contains(scrape.Of("http_server_request_duration_seconds_count"), s => s.Key.Contains("network_protocol_version=\"2\"", StringComparison.Ordinal));
    }

    // Makes happen what the panels show: answered and unrouted requests over TLS, a connection over
    // --max-connections 1, which is rejected, and plain HTTP on the TLS port: a failed handshake, which throws.
    private async Task MakeWhatThePanelsShowAsync(RunningApp app)
    {
        using (var client = TestClients.Http2(app.Address, native.Certificates.Certificate))
        {
            for (int i = 0; i < 20; i++)
            {
                (await client.GetAsync($"/api/greeting?name=d{i}")).EnsureSuccessStatusCode();
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/no-such-page/{i}")).StatusCode);
            }

            // The client's connection is the one allowed.
            await Poll.UntilAsync(async () =>
            {
                await ConnectUntilClosedAsync(app.Address.Port, []);
                return await CountedAsync(app, "kestrel_rejected_connections_total", "");
            }, ScrapeWait, "a connection over the limit being rejected");
        }

        // Until the server has let the client's connection go, this one is rejected too, so it is tried again.
        await Poll.UntilAsync(async () =>
        {
            await ConnectUntilClosedAsync(app.Address.Port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());
            return await CountedAsync(app, "kestrel_tls_handshake_duration_seconds_count", "error_type=");
        }, ScrapeWait, "a failed TLS handshake being counted");
    }

    private static async Task<bool> CountedAsync(RunningApp app, string metric, string label) =>
        (await Exposition.ScrapeAsync(app.MetricsAddress!)).Of(metric).Any(s => s.Key.Contains(label, StringComparison.Ordinal) && s.Value >= 1);

    // Sends the bytes, then reads until the server closes, as it does at once after a rejection or a failed
    // handshake. The bound only keeps a connection that is unexpectedly served from holding the test.
    private static async Task ConnectUntilClosedAsync(int port, byte[] bytes)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, bound.Token);
            await socket.SendAsync(bytes, bound.Token);
            var buffer = new byte[4096];
            int read;
            do
            {
                read = await socket.ReceiveAsync(buffer, bound.Token);
            }
            while (read > 0);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // Reset rather than closed, or still open: the caller's scrape says what the server counted.
        }
    }
}
