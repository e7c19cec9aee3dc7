using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// --otlp-endpoint: the native file pushes its metrics to an OTLP/HTTP receiver that decodes them with
/// OTLP's official generated classes (<see cref="OtlpReceiver"/>), and the counts are the requests made.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class OtlpPushTests(NativeAppFixture native)
{
    private const int Usage = 2;

    // Pushes every second; a few of them on a loaded machine.
    private static readonly TimeSpan PushWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EachRequestArrivesAtTheReceiverAsOnTheScrapedPage()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // The receiver's base URL, as a collector's is usually given: the server adds /v1/metrics.
        string baseUrl = receiver.Endpoint.GetLeftPart(UriPartial.Authority);
        await using var app = await native.StartWithMetricsAsync("--otlp-endpoint", baseUrl, "--otlp-interval", "1", "--metrics-port", "0");
        using var client = new HttpClient { BaseAddress = app.Address };
        const int Requests = 25;
        for (int i = 0; i < Requests; i++)
        {
            (await client.GetAsync($"/api/greeting?name=o{i}")).EnsureSuccessStatusCode();
        }

        var pushed = await receiver.WaitForAsync(request => OtlpReceiver.RouteCount(request, "/api/greeting") == Requests, PushWait);
        var page = await Exposition.ScrapeAsync(app.MetricsAddress!);

        Assert.Empty(receiver.Errors);
        var resource = Attributes(pushed.GetProperty("resourceMetrics")[0].GetProperty("resource"));
        Assert.Equal("apphostsample", resource["service.name"]);
        // As Prometheus names a scrape target: the machine and the app's port.
        Assert.Equal($"{Environment.MachineName}:{app.Address.Port}", resource["service.instance.id"]);
        // AppHost times the requests itself, under ASP.NET Core's instrument name: in AppHost's scope.
        var duration = Metric(pushed, "AppHost.Server", "http.server.request.duration");
        Assert.Equal("s", duration.GetProperty("unit").GetString());
        Assert.Equal("AGGREGATION_TEMPORALITY_CUMULATIVE", duration.GetProperty("histogram").GetProperty("aggregationTemporality").GetString());
        // Each bucket its own count, one more than the bounds (ASP.NET Core's), summing to the point's count.
        foreach (var point in duration.GetProperty("histogram").GetProperty("dataPoints").EnumerateArray())
        {
            long[] buckets = [.. point.GetProperty("bucketCounts").EnumerateArray().Select(b => long.Parse(b.GetString()!, CultureInfo.InvariantCulture))];
            double[] bounds = [.. point.GetProperty("explicitBounds").EnumerateArray().Select(b => b.GetDouble())];
            Assert.Equal([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10], bounds);
            Assert.Equal(bounds.Length + 1, buckets.Length);
            Assert.Equal(long.Parse(point.GetProperty("count").GetString()!, CultureInfo.InvariantCulture), buckets.Sum());
        }

        // The scrape counts the same requests, by the Prometheus name of the same instrument.
        Assert.Equal(Requests, page.Of("http_server_request_duration_seconds_count").Where(s => s.Key.Contains("http_route=\"/api/greeting\"", StringComparison.Ordinal)).Sum(s => s.Value));
        // The runtime's meter and AppHost's own metrics are pushed too; a counter as a monotonic sum.
        Assert.True(Metric(pushed, "System.Runtime", "dotnet.process.cpu.time").GetProperty("sum").GetProperty("isMonotonic").GetBoolean());
        Assert.Equal(1, Metric(pushed, "AppHost.Server", "apphost.build_info").GetProperty("gauge").GetProperty("dataPoints")[0].GetProperty("asDouble").GetDouble());
        Assert.Contains(app.Process.StandardOutput, line => line.Contains("Metrics pushed by OTLP to", StringComparison.Ordinal) && line.Contains(receiver.Endpoint.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheLastTotalsArePushedAsTheServerStops()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // An hour apart: the only push this test can see is the one made on the way out.
        await using var app = await native.StartWithMetricsAsync("--otlp-endpoint", receiver.Endpoint.ToString(), "--otlp-interval", "3600");
        using var client = new HttpClient { BaseAddress = app.Address };
        const int Requests = 3;
        for (int i = 0; i < Requests; i++)
        {
            (await client.GetAsync("/api/greeting")).EnsureSuccessStatusCode();
        }

        app.Process.Signal(PosixSignal.SIGTERM);

        await receiver.WaitForAsync(request => OtlpReceiver.RouteCount(request, "/api/greeting") == Requests, PushWait);
        Assert.Equal(0, await app.Process.WaitForExitAsync(PushWait));
        // The push the stop interrupts is not a failure: the last one follows it.
        Assert.DoesNotContain(app.LogEvents(), e => e.GetProperty("@mt").GetString()!.StartsWith("OTLP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReceiverThatRefusesIsOneWarningAndTheServerServesOn()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // A path the receiver does not serve: every push gets 404, as from a mistyped endpoint.
        var wrong = new Uri(receiver.Endpoint, "/v1/traces");
        await using var app = await native.StartWithMetricsAsync("--otlp-endpoint", wrong.ToString(), "--otlp-interval", "1");

        // Three refused pushes: the first is logged, the next two are not.
        await Poll.UntilAsync(() => Task.FromResult(receiver.Errors.Count >= 3), PushWait, "three refused pushes");
        using var client = new HttpClient { BaseAddress = app.Address };

        (await client.GetAsync("/api/greeting")).EnsureSuccessStatusCode();
        var warnings = app.LogEvents().Where(e => e.GetProperty("@mt").GetString()!.StartsWith("OTLP push to", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal("Warning", warning.GetProperty("@l").GetString());
        Assert.Contains("HTTP 404", warning.GetProperty("Problem").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--otlp-endpoint", "ftp://127.0.0.1:4318", "http:// or https:// URL")]
    [InlineData("--otlp-endpoint", "127.0.0.1:4318", "http:// or https:// URL")]
    [InlineData("--otlp-interval", "0", "1 to 3600")]
    public async Task BadOtlpValueIsOneLineAndExitTwo(string option, string value, string expected)
    {
        var run = await AppExit.RunAsync(option, value);

        run.AssertOneLineError(Usage, $"{option} '{value}'", expected);
    }

    [Fact]
    public async Task APasswordInTheUrlIsRefusedWithoutRepeatingIt()
    {
        var given = await AppExit.RunAsync("--otlp-endpoint", "http://user:s3cret@127.0.0.1:4318/v1/metrics");
        var fromEnvironment = await AppExit.RunAsync([], new Dictionary<string, string> { ["APPHOSTSAMPLE_OTLP_ENDPOINT"] = "https://key:s3cret@collector.example:4318" });

        given.AssertOneLineError(Usage, "--otlp-endpoint 'http://***@127.0.0.1:4318/v1/metrics'", "no user name, password");
        fromEnvironment.AssertOneLineError(Usage, "APPHOSTSAMPLE_OTLP_ENDPOINT='https://***@collector.example:4318'", "no user name, password");
        Assert.DoesNotContain("s3cret", string.Join('\n', given.StandardError.Concat(fromEnvironment.StandardError)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABuildWithoutMetricsSaysSoForThePushToo()
    {
        // The template's own build: MetricsSupport=false.
        var run = await AppExit.RunAsync("--otlp-endpoint", "http://127.0.0.1:4318");
        var check = await AppExit.RunAsync("--check", "--otlp-endpoint", "http://127.0.0.1:4318");

        run.AssertOneLineError(1, "--otlp-endpoint: this build of the app has no metrics", "<MetricsSupport>true</MetricsSupport>");
        check.AssertOneLineError(1, "--otlp-endpoint: this build of the app has no metrics", "<MetricsSupport>true</MetricsSupport>");
    }

    private static Dictionary<string, string?> Attributes(JsonElement owner) =>
        owner.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetProperty("stringValue").GetString());

    private static JsonElement Metric(JsonElement request, string scope, string name) =>
        request.GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics").EnumerateArray()
            .Single(s => s.GetProperty("scope").GetProperty("name").GetString() == scope)
            .GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
}
