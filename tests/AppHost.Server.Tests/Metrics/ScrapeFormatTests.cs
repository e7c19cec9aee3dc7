using AppHost.Metrics;

namespace AppHost.Server.Tests.Metrics;

/// <summary>Which format a scraper gets, by its Accept header.</summary>
public sealed class ScrapeFormatTests
{
    // What Prometheus 2.42 (Debian 12) sends by default.
    private const string Prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    [Theory]
    [InlineData(Prometheus, true)]
    [InlineData("application/openmetrics-text; version=1.0.0", true)]
    [InlineData("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.9", true)]
    [InlineData("*/*", false)] // curl
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("text/plain", false)]
    [InlineData("text/plain;q=1,application/openmetrics-text;q=0.5", false)]
    [InlineData("application/openmetrics-text;q=0", false)]
    [InlineData("application/openmetrics-text;q=nonsense", false)]
    public void OpenMetricsOnlyWhenPreferred(string? accept, bool openMetrics) =>
        Assert.Equal(openMetrics, ScrapeFormat.WantsOpenMetrics(accept));

    [Fact]
    public void OpenMetricsNamesACountersFamilyWithoutTotalAndEndsTheText()
    {
        var text = new PrometheusText(openMetrics: true);
        text.Family("requests_total", "counter", "Requests.");
        text.Sample("requests_total", "", 3);
        text.Family("open", "gauge", null);
        text.Sample("open", "", 1);

        Assert.Equal("# HELP requests Requests.\n# TYPE requests counter\nrequests_total 3\n# TYPE open gauge\nopen 1\n# EOF\n", text.ToString());
        Assert.StartsWith("application/openmetrics-text; version=1.0.0", text.ContentType, StringComparison.Ordinal);
    }
}
