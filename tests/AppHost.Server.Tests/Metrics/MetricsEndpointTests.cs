using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// --metrics-port: a listener of its own serving only /metrics, loopback unless opened, and series a
/// scanner cannot multiply. Run with the native file built with metrics (MetricsSupport=true), as a
/// user who wants them builds it; the template's default build has none, and says so.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class MetricsEndpointTests(NativeAppFixture native)
{
    private const int Usage = 2;

    [Fact]
    public async Task MetricsListenerServesOnlyMetricsAndThePublicPortAnswers404ForIt()
    {
        await using var app = await native.StartWithMetricsAsync("--metrics-port", "0");
        using var client = new HttpClient();

        Assert.NotNull(app.MetricsAddress);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(app.Address, "/metrics"))).StatusCode);
        using var metrics = await client.GetAsync(new Uri(app.MetricsAddress, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
        // The app's own endpoints are not reachable through the metrics port.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(app.MetricsAddress, "/api/greeting"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(app.MetricsAddress, "/healthz"))).StatusCode);
    }

    [Fact]
    public async Task WithoutMetricsPortNothingListensForMetrics()
    {
        await using var app = await native.StartWithMetricsAsync();

        Assert.Null(app.MetricsAddress);
    }

    [Fact]
    public async Task RequestDurationCountsEachRequestByItsRouteTemplate()
    {
        await using var app = await native.StartWithMetricsAsync("--metrics-port", "0");
        using var client = new HttpClient { BaseAddress = app.Address };
        const int Requests = 7;
        for (int i = 0; i < Requests; i++)
        {
            (await client.GetAsync($"/api/greeting?name=n{i}")).EnsureSuccessStatusCode();
        }

        var scrape = await Exposition.ScrapeAsync(app.MetricsAddress!);
        var count = Assert.Single(scrape.Of("http_server_request_duration_seconds_count"), s => s.Key.Contains("http_route=\"/api/greeting\"", StringComparison.Ordinal));
        Assert.Equal(Requests, count.Value);
        Assert.Contains("http_request_method=\"GET\"", count.Key, StringComparison.Ordinal);
        Assert.Contains("http_response_status_code=\"200\"", count.Key, StringComparison.Ordinal);
        Assert.Contains("network_protocol_version=\"1.1\"", count.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThousandUnknownPathsAddNoSeries()
    {
        await using var app = await native.StartWithMetricsAsync("--metrics-port", "0");
        using var client = new HttpClient { BaseAddress = app.Address };
        (await client.GetAsync("/no-such-page")).Dispose();
        var before = await Exposition.ScrapeAsync(app.MetricsAddress!);

        for (int i = 0; i < 1000; i++)
        {
            (await client.GetAsync($"/scan/{Guid.NewGuid():N}/{i}")).Dispose();
        }

        var after = await Exposition.ScrapeAsync(app.MetricsAddress!);
        string[] requestSeries = [.. after.Of("http_server_request_duration_seconds_count").Select(s => s.Key)];
        Assert.Equal(before.Of("http_server_request_duration_seconds_count").Select(s => s.Key).Order(), requestSeries.Order());
        Assert.Equal(1001, after.Of("http_server_request_duration_seconds_count").Single(s => s.Key.Contains("=\"404\"", StringComparison.Ordinal)).Value);
        Assert.DoesNotContain("/scan/", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildInfoNamesBothVersions()
    {
        await using var app = await native.StartWithMetricsAsync("--metrics-port", "0");

        var scrape = await Exposition.ScrapeAsync(app.MetricsAddress!);

        var info = Assert.Single(scrape.Of("apphost_build_info"));
        Assert.Matches("app_version=\"1\\.0\\.0[^\"]*\",apphost_version=\"[0-9]", info.Key);
        Assert.Equal(1, info.Value);
    }

    [Fact]
    public async Task NonLoopbackPeerIsRefusedUnlessMetricsHostOpensIt()
    {
        // A peer on another machine arrives at one of this machine's non-loopback addresses, as a connection from that address does here.
        var outside = NonLoopbackAddress();
        await using (var closed = await native.StartWithMetricsAsync("--metrics-port", "0"))
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(outside, closed.MetricsAddress!.Port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        await using var open = await native.StartWithMetricsAsync("--metrics-port", "0", "--metrics-host", "0.0.0.0");
        using var client = new HttpClient();
        using var scrape = await client.GetAsync($"http://{outside}:{open.MetricsAddress!.Port}/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    [Theory]
    [InlineData("--metrics-port", "70000", "0 to 65535")]
    [InlineData("--metrics-host", "nonsense", "IP address")]
    public async Task BadMetricsValueIsOneLineAndExitTwo(string option, string value, string expected)
    {
        var run = await AppExit.RunAsync(option, value);

        run.AssertOneLineError(Usage, $"{option} '{value}'", expected);
    }

    [Fact]
    public async Task MetricsPortInUseIsNamed()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await AppExit.RunAsync(["--host", "127.0.0.1", "--port", "0", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            executable: await native.WithMetricsAsync());

        run.AssertOneLineError(1, $"port {port} is already in use", "--metrics-port");
    }

    [Fact]
    public async Task PromtoolFindsNoProblemInTheExposition()
    {
        await using var app = await native.StartWithMetricsAsync("--metrics-port", "0");
        using var client = new HttpClient { BaseAddress = app.Address };
        (await client.GetAsync("/api/greeting")).EnsureSuccessStatusCode();
        var scrape = await Exposition.ScrapeAsync(app.MetricsAddress!);

        var check = await CommandRun.RunAsync(["promtool", "check", "metrics"], input: new MemoryStream(System.Text.Encoding.UTF8.GetBytes(scrape.Text)));

        Assert.True(check.ExitCode == 0 && check.Output.Trim().Length == 0 && check.Errors.Trim().Length == 0,
            $"promtool: exit {check.ExitCode}\n{check.Output}\n{check.Errors}");
    }

    [Fact]
    public async Task PrometheusGetsOpenMetricsThatTheReferenceParserReads()
    {
        await using var app = await native.StartWithMetricsAsync("--metrics-port", "0");
        using var client = new HttpClient();
        (await client.GetAsync(new Uri(app.Address, "/api/greeting"))).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.MetricsAddress!, "/metrics"));
        // What Prometheus 2.42 (Debian 12) asks for by default.
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        using var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        // The Python client's OpenMetrics parser is strict: it refuses a counter family named with _total, a missing # EOF, a bad bucket.
        // Debian's python3-prometheus-client, so Debian's python3 by its path: another python3 first on PATH lacks the package.
        var parse = await CommandRun.RunAsync(["/usr/bin/python3", "-c", "import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as parse\nprint(len(list(parse(sys.stdin.read()))))"],
            input: new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.True(parse.ExitCode == 0, $"the OpenMetrics parser: exit {parse.ExitCode}\n{parse.Errors}");
        Assert.InRange(int.Parse(parse.Output, System.Globalization.CultureInfo.InvariantCulture), 10, 1000);
    }

    [Fact]
    public async Task ABuildWithoutMetricsSaysHowToGetThem()
    {
        // The template's own build: MetricsSupport=false, so the meters and the exporter are not in it.
        var run = await AppExit.RunAsync("--metrics-port", "0");

        run.AssertOneLineError(1, "--metrics-port: this build of the app has no metrics", "<MetricsSupport>true</MetricsSupport>");
    }

    [Fact]
    public async Task CheckFindsABuildWithoutMetricsBeforeItServes()
    {
        // `apphost deploy` runs the new release with --check first: a build that could not serve the metrics socket is refused there.
        var without = await AppExit.RunAsync("--check", "--metrics-port", "9100");
        var with = await AppExit.RunAsync(["--check", "--metrics-port", "9100"], executable: await native.WithMetricsAsync());

        without.AssertOneLineError(1, "--metrics-port: this build of the app has no metrics", "<MetricsSupport>true</MetricsSupport>");
        Assert.Equal(0, with.ExitCode);
    }

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new InvalidOperationException("this test needs an IPv4 address that is not loopback, on an interface that is up");
}
