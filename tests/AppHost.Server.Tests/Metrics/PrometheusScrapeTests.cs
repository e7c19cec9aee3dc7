using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Metrics;

/// <summary>A real Prometheus scrapes the native file's /metrics: what an operator's set-up sees.</summary>
[Collection(NativeAppCollection.Name)]
public sealed class PrometheusScrapeTests(NativeAppFixture native)
{
    // Prometheus scrapes every second; a few scrapes on a loaded machine.
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(60);

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
}
