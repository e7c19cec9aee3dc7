using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Metrics;
using AppHost.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// The middleware that times the app's requests in place of ASP.NET Core's instruments: the same
/// names and tags, bounded values, and a failed request counted as the 500 its client gets.
/// Run in this process on a loopback port, so each test chooses the endpoints it needs.
/// </summary>
public sealed class RequestMetricsTests : IAsyncLifetime
{
    private readonly RequestMetrics _metrics = new();
    private WebApplication _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new());
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _metrics.Time(_app);
        _app.MapGet("/items/{id}", (string id) => id);
        _app.MapGet("/boom", string () => throw new InvalidOperationException("the endpoint failed"));
        await _app.StartAsync();
        _port = new Uri(_app.Urls.Single()).Port;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EachRequestIsCountedByItsRouteTemplateNeverItsPath()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        for (int i = 0; i < 5; i++)
        {
            (await client.GetAsync($"/items/{i}")).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/unknown/{i}")).StatusCode);
        }

        // A response can reach its client before the middleware around it has returned: read once all ten are counted.
        var page = await PageAsync(p => p.Of("http_server_request_duration_seconds_count").Sum(s => s.Value) == 10);
        Assert.Equal(5, page.Samples[Count("GET", "200", "/items/{id}")]);
        // No route matched: no http_route label, so the five paths are one series.
        Assert.Equal(5, page.Samples["http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"404\",network_protocol_version=\"1.1\",url_scheme=\"http\"}"]);
        Assert.Equal(2, page.Of("http_server_request_duration_seconds_count").Count());
        // Every request has ended.
        Assert.Equal(0, page.Samples["http_server_active_requests{http_request_method=\"GET\",url_scheme=\"http\"}"]);
    }

    [Fact]
    public async Task AnExceptionIsCountedAsThe500ItsClientGetsWithItsType()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/boom")).StatusCode);

        var failed = Assert.Single((await PageAsync(p => p.Of("http_server_request_duration_seconds_count").Any())).Of("http_server_request_duration_seconds_count"));
        Assert.Equal("http_server_request_duration_seconds_count{error_type=\"System.InvalidOperationException\",http_request_method=\"GET\",http_response_status_code=\"500\",http_route=\"/boom\",network_protocol_version=\"1.1\",url_scheme=\"http\"}", failed.Key);
        Assert.Equal(1, failed.Value);
    }

    [Fact]
    public async Task AMethodOfTheClientsChoosingIsOtherAndTheMethodLabelStaysBounded()
    {
        // Raw, so the method is sent exactly as written; any unknown method is one label value.
        foreach (string method in new[] { "BREW", "PROPFIND", "get" })
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, _port);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"{method} /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            var reply = new byte[4096];
            while (await socket.ReceiveAsync(reply) > 0)
            {
                // Read to the end: the request has then ended, and been counted.
            }
        }

        var counts = (await PageAsync(p => p.Of("http_server_request_duration_seconds_count").Sum(s => s.Value) == 3)).Of("http_server_request_duration_seconds_count");
        Assert.All(counts, s => Assert.Contains("http_request_method=\"_OTHER\"", s.Key, StringComparison.Ordinal));
    }

    private static string Count(string method, string status, string route) =>
        $"http_server_request_duration_seconds_count{{http_request_method=\"{method}\",http_response_status_code=\"{status}\",http_route=\"{route}\",network_protocol_version=\"1.1\",url_scheme=\"http\"}}";

    private async Task<Exposition> PageAsync(Func<Exposition, bool> settled)
    {
        var page = Page();
        await Poll.UntilAsync(() => Task.FromResult(settled(page = Page())), TimeSpan.FromSeconds(10), "the requests counted");
        return page;
    }

    private Exposition Page()
    {
        using var text = new PrometheusText();
        _metrics.Durations.Write(text);
        _metrics.Active.Write(text);
        return new Exposition(text.ToString());
    }
}
