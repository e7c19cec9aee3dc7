using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AppHost.Server.Tests.Responses;

/// <summary>
/// UseSizedResponses on a real Kestrel, read by a raw socket that sees the framing as sent, with
/// every write Kestrel makes to the connection counted.
/// </summary>
public sealed class SizedResponsesTests : IAsyncLifetime
{
    private const string Small = "Hello, World!";

    // Released by the streaming tests once their client has seen the first part, so a body that
    // was held back until the end could never reach the client in time.
    private readonly TaskCompletionSource _firstPartSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private CountedWrites _writes = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new());
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => _writes = CountedWrites.On(listen)));
        _app = builder.Build();
        _app.UseSizedResponses();
        _app.MapGet("/text", () => Small);
        _app.MapGet("/json", () => TypedResults.Json(new SmallMessage(Small), SmallMessageJson.Default.SmallMessage));
        _app.MapGet("/large", () => new string('x', SizedResponses.MaxHeldBytes + 1));
        _app.MapGet("/sized", async (HttpResponse response) =>
        {
            response.ContentLength = Small.Length;
            await response.WriteAsync(Small);
        });
        _app.MapGet("/events", async (HttpResponse response) =>
        {
            response.ContentType = "text/event-stream";
            await response.WriteAsync("data: first\n\n");
            await response.Body.FlushAsync();
            await _firstPartSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await response.WriteAsync("data: second\n\n");
        });
        _app.MapGet("/unbuffered", async (HttpContext context) =>
        {
            var response = context.Response;
            context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            await response.WriteAsync("first\n");
            await response.Body.FlushAsync();
            await _firstPartSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await response.WriteAsync("second\n");
        });
        _app.MapGet("/fails", async context =>
        {
            await context.Response.WriteAsync("half an answer");
            throw new InvalidOperationException("the endpoint failed after writing");
        });
        await _app.StartAsync();
        _port = new Uri(_app.Urls.Single()).Port;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/text", Small)]
    [InlineData("/json", """{"message":"Hello, World!"}""")]
    public async Task SmallBodyOfUnknownLengthLeavesWholeWithItsLengthInOneWrite(string path, string body)
    {
        using var client = await RawHttp.ConnectAsync(_port);
        int writesBefore = _writes.Count;

        // Two requests on one connection. Kestrel starts the second only once the first has ended,
        // so when the second has arrived every write of the first has been made: a response sent in
        // one write leaves the count at exactly two.
        foreach (int _ in new[] { 1, 2 })
        {
            var response = await client.GetAsync(path);

            Assert.Equal(200, response.Status);
            Assert.Equal(Encoding.UTF8.GetByteCount(body).ToString(), response.Headers["content-length"]);
            Assert.False(response.Headers.ContainsKey("transfer-encoding"));
            Assert.Equal(body, response.Body);
        }

        Assert.Equal(writesBefore + 2, _writes.Count);
    }

    [Fact]
    public async Task BodyPastTheBoundIsChunkedAndArrivesWhole()
    {
        using var client = await RawHttp.ConnectAsync(_port);

        var response = await client.GetAsync("/large");

        Assert.Equal("chunked", response.Headers["transfer-encoding"]);
        Assert.Equal(new string('x', SizedResponses.MaxHeldBytes + 1), response.Body);
    }

    [Fact]
    public async Task LengthTheAppSetItselfIsKept()
    {
        using var client = await RawHttp.ConnectAsync(_port);

        var response = await client.GetAsync("/sized");

        Assert.Equal(Small.Length.ToString(), response.Headers["content-length"]);
        Assert.Equal(Small, response.Body);
    }

    [Theory]
    [InlineData("/events", "data: first\n\n", "data: first\n\ndata: second\n\n")]
    [InlineData("/unbuffered", "first\n", "first\nsecond\n")]
    public async Task StreamingResponseReachesTheClientBeforeItEnds(string path, string firstPart, string whole)
    {
        using var client = await RawHttp.ConnectAsync(_port);

        var response = await client.GetAsync(path, onFirstChunk: chunk =>
        {
            // The endpoint waits for this before it writes the rest.
            Assert.Equal(firstPart, chunk);
            _firstPartSeen.SetResult();
        });

        Assert.Equal("chunked", response.Headers["transfer-encoding"]);
        Assert.Equal(whole, response.Body);
    }

    [Fact]
    public async Task EndpointThatFailsAfterWritingGetsACleanServerErrorWithNothingItHeld()
    {
        using var client = await RawHttp.ConnectAsync(_port);

        var response = await client.GetAsync("/fails");

        Assert.Equal(500, response.Status);
        Assert.Equal("0", response.Headers["content-length"]);
        Assert.Equal("", response.Body);
    }

    /// <summary>One plain HTTP/1.1 connection read byte by byte, so the framing is seen as the server sent it.</summary>
    private sealed class RawHttp : IDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;

        private RawHttp(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket);
        }

        public static async Task<RawHttp> ConnectAsync(int port)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return new RawHttp(socket);
        }

        public async Task<HttpResponseReader.Response> GetAsync(string path, Action<string>? onFirstChunk = null)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            return await HttpResponseReader.ReadAsync(_stream, onFirstChunk);
        }

        public void Dispose()
        {
            _stream.Dispose();
            _socket.Dispose();
        }
    }
}
