using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Testing;
using AppHostSample.Tests.Infrastructure;

namespace AppHostSample.Tests.Endpoints;

/// <summary>The JSON API, over HTTP/2, as a client sees it.</summary>
public sealed class GreetingEndpointsTests(HttpsServerFixture server) : IClassFixture<HttpsServerFixture>
{
    [Fact]
    public async Task GetGreetsByName()
    {
        using var client = server.Http2();

        using var response = await client.GetAsync("/api/greeting?name=Ada");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Hello, Ada!", body.GetProperty("message").GetString());
        Assert.True(body.GetProperty("servedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task GetWithoutNameGreetsTheWorld()
    {
        using var client = server.Http2();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/greeting");

        Assert.Equal("Hello, world!", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task PostReadsJsonBody()
    {
        using var client = server.Http2();

        using var response = await client.PostAsync("/api/greeting", new StringContent("""{"name":"Grace"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, Grace!", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MalformedJsonIsBadRequest()
    {
        using var client = server.Http2();

        using var response = await client.PostAsync("/api/greeting", new StringContent("{name:", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OverlongNameIsBadRequest()
    {
        using var client = server.Http2();

        using var response = await client.GetAsync("/api/greeting?name=" + new string('a', 101));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GreetingWordIsTheAppsOwnOption()
    {
        await using var app = await RunningApp.StartAsync(HttpsServerFixture.App, "--greeting", "Hej");
        using var client = TestClients.Http11(app.Address);

        var body = await client.GetFromJsonAsync<JsonElement>("/api/greeting?name=Ada");

        Assert.Equal("Hej, Ada!", body.GetProperty("message").GetString());
    }
}
