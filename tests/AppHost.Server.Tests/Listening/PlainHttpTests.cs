using System.Net;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>Without a certificate: plain HTTP/1.1 only, with a warning that says so.</summary>
public sealed class PlainHttpTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await SampleApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Http11IsServedWithoutHsts()
    {
        using var client = TestClients.Http11(_app.Address);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Http2WithoutTlsIsRefused()
    {
        using var client = TestClients.Create(_app.Address, HttpVersion.Version20);

        var error = await Record.ExceptionAsync(() => client.GetAsync("/healthz"));

        Assert.IsType<HttpRequestException>(error);
    }

    [Fact]
    public async Task StartupWarnsThatTrafficIsUnencrypted()
    {
        await _app.Process.WaitForOutputAsync(l => l.Contains("No certificate", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        var warnings = _app.LogEvents().Where(e => e.TryGetProperty("@l", out var level) && level.GetString() == "Warning");

        // Exactly one warning, ours: Kestrel itself must not warn about the protocol set-up.
        Assert.Contains("No certificate: serving plain HTTP", Assert.Single(warnings).GetProperty("@mt").GetString());
    }
}
