using System.Net;
using AppHost.Testing;
using AppHostSample.Endpoints;
using AppHostSample.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AppHostSample.Tests.Endpoints;

/// <summary>/healthz answers 200 while serving and 503 once shutdown has begun.</summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task HealthIsOkWhileServing()
    {
        await using var app = await RunningApp.StartAsync(HttpsServerFixture.App);
        using var client = TestClients.Http11(app.Address);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task HealthIsUnavailableOnceStoppingHasBegun()
    {
        // In the real process shutdown closes the listener moments after it begins; here the
        // stopping signal is given alone, so the answer in between can be seen on a real socket.
        using var stopping = new CancellationTokenSource();
        var builder = WebApplication.CreateEmptyBuilder(new());
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapHealth(stopping.Token);
        await app.StartAsync();
        using var client = TestClients.Http11(new Uri(app.Urls.First()));

        stopping.Cancel();
        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("stopping", await response.Content.ReadAsStringAsync());
    }
}
