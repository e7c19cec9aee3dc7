using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Server.Tests.Acme;

/// <summary>One request the fake CA received: for a POST, the nonce of its JWS header and its decoded payload.</summary>
internal sealed record FakeRequest(string Method, string Path, string? Nonce, string? Payload);

/// <summary>A request and the Replay-Nonce its answer carried.</summary>
internal sealed record FakeExchange(FakeRequest Request, string NonceSent);

/// <summary>A canned answer. Every answer carries a fresh Replay-Nonce, as RFC 8555 §6.5 requires of a CA.</summary>
internal sealed record FakeResponse(int Status, string Body = "{}", string ContentType = "application/json", string? RetryAfter = null, string? Location = null)
{
    public static FakeResponse Problem(int status, string type, string detail, string? retryAfter = null) =>
        new(status, $$"""{"type":"{{type}}","detail":"{{detail}}","status":{{status}}}""", "application/problem+json", retryAfter);
}

/// <summary>
/// A small in-process ACME server on 127.0.0.1 (plain HTTP), for what Pebble 2.4.0 never does: badNonce
/// on demand, 429 and 503 with Retry-After, renewalInfo. Each path answers from a handler the test sets.
/// </summary>
internal sealed class FakeAcmeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<FakeRequest, FakeResponse>> _handlers = new();
    private int _nonce;

    private FakeAcmeServer(WebApplication app, bool renewalInfo)
    {
        _app = app;
        app.Run(async context =>
        {
            string path = context.Request.Path.Value ?? "";
            string nonce = "nonce-" + Interlocked.Increment(ref _nonce);
            context.Response.Headers["Replay-Nonce"] = nonce;
            FakeResponse response;
            if (path == "/dir" || path == "/nonce")
            {
                response = new FakeResponse(200, path == "/dir" ? Directory(renewalInfo) : "");
            }
            else
            {
                var request = await ReadAsync(context, path);
                string route = path.StartsWith("/ari/", StringComparison.Ordinal) ? "/ari/" : path;
                response = _handlers.TryGetValue(route, out var handler) ? handler(request) : new FakeResponse(404, "");
                Exchanges.Enqueue(new FakeExchange(request, nonce));
            }

            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.ContentType;
            if (response.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            if (response.Location is { } location)
            {
                context.Response.Headers.Location = BaseUrl + location;
            }

            await context.Response.WriteAsync(response.Body);
        });
    }

    public string BaseUrl { get; private set; } = "";

    public Uri DirectoryUrl => new(BaseUrl + "/dir");

    /// <summary>Every request but the directory and newNonce, in order, with the nonce its answer carried.</summary>
    public ConcurrentQueue<FakeExchange> Exchanges { get; } = new();

    /// <summary>The exchanges with <paramref name="path"/>, in order.</summary>
    public List<FakeExchange> To(string path) => [.. Exchanges.Where(e => e.Request.Path == path)];

    public void On(string path, Func<FakeRequest, FakeResponse> handler) => _handlers[path] = handler;

    public static async Task<FakeAcmeServer> StartAsync(bool renewalInfo = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeAcmeServer(builder.Build(), renewalInfo);
        await server._app.StartAsync();
        server.BaseUrl = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    private string Directory(bool renewalInfo) =>
        $$"""{"newNonce":"{{BaseUrl}}/nonce","newAccount":"{{BaseUrl}}/new-acct","newOrder":"{{BaseUrl}}/new-order"{{(renewalInfo ? $",\"renewalInfo\":\"{BaseUrl}/ari/\"" : "")}}}""";

    private static async Task<FakeRequest> ReadAsync(HttpContext context, string path)
    {
        string? nonce = null, payload = null;
        if (context.Request.Method == "POST")
        {
            using var jws = await JsonDocument.ParseAsync(context.Request.Body);
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.RootElement.GetProperty("protected").GetString()));
            nonce = header.RootElement.GetProperty("nonce").GetString();
            payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jws.RootElement.GetProperty("payload").GetString()));
        }

        return new FakeRequest(context.Request.Method, path, nonce, payload);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
