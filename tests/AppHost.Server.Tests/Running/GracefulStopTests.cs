using System.Diagnostics;
using System.Net.Security;
using System.Runtime.InteropServices;
using AppHost.Acme;
using AppHost.Acme.Challenges;
using AppHost.Certificates;
using AppHost.Listening;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Stopping;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace AppHost.Server.Tests.Running;

/// <summary>
/// What each kind of connection gets when the server stops (SIGTERM), seen on the wire: what its
/// client already sent is served, and only then is it closed.
/// </summary>
public sealed class GracefulStopTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private const string Path = "/api/greeting?name=stop";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EveryConnectionFinishesWhatItsClientSentBeforeItCloses()
    {
        await using var app = await SampleApp.StartAsync("--cert", certificates.Files.Pfx);
        int port = app.Address.Port;

        await using var keepAlive = await RawHttps.ConnectAsync(port, SslApplicationProtocol.Http11);
        Assert.Equal("HTTP/1.1 200 OK", (await keepAlive.GetAsync(Path)).Status);
        await using var fresh = await RawHttps.ConnectAsync(port, SslApplicationProtocol.Http11); // handshake done, nothing sent yet
        await using var http2 = await RawHttps.ConnectAsync(port, SslApplicationProtocol.Http2);
        string authority = $"127.0.0.1:{port}";
        await http2.Tls.WriteAsync(Http2Wire.ConnectionStart());
        await http2.Tls.WriteAsync(Http2Wire.Get(1, authority, Path));
        Assert.True(Http2Wire.IsStatus200(await NextAsync(http2, Http2Wire.Headers)));

        app.Process.Signal(PosixSignal.SIGTERM);

        // HTTP/2, step one (RFC 9113 §6.8): GOAWAY with the largest stream id, then a PING.
        var first = await NextAsync(http2, Http2Wire.GoAway);
        Assert.Equal(int.MaxValue, Http2Wire.LastStream(first));
        var ping = await NextAsync(http2, Http2Wire.Ping);
        // A request the client sent before it read the GOAWAY: it crosses the GOAWAY on the wire.
        await http2.Tls.WriteAsync(Http2Wire.Get(3, authority, Path));
        await http2.Tls.WriteAsync(Http2Wire.PingAck(ping.Payload));

        // Kestrel asked every connection to close as it sent that GOAWAY; the HTTP/1.1 connections
        // are within their grace, and a request on each is still answered, then the connection closes.
        foreach (var connection in new[] { keepAlive, fresh })
        {
            var (status, headers) = await connection.GetAsync(Path);
            Assert.Equal("HTTP/1.1 200 OK", status);
            Assert.Equal("close", headers["connection"]);
            Assert.True(await connection.ClosedByServerAsync());
        }

        // HTTP/2, step two: the crossing stream is served, and the last GOAWAY names it.
        var (status200, lastStream) = await StepTwoAsync(http2, stream: 3);
        Assert.True(status200, "the crossing stream got no 200");
        Assert.Equal(3, lastStream);
        Assert.Equal(0, await app.Process.WaitForExitAsync(Deadline));
    }

    [Fact]
    public async Task AnIdleConnectionIsClosedAfterTheGraceAndDoesNotHoldTheStop()
    {
        // A shutdown timeout far longer than the grace: the stop must not wait for it.
        await using var app = await SampleApp.StartAsync("--cert", certificates.Files.Pfx, "--shutdown-timeout", "60");
        await using var idle = await RawHttps.ConnectAsync(app.Address.Port, SslApplicationProtocol.Http11);
        Assert.Equal("HTTP/1.1 200 OK", (await idle.GetAsync(Path)).Status);

        var stopping = Stopwatch.StartNew();
        app.Process.Signal(PosixSignal.SIGTERM);
        Assert.True(await idle.ClosedByServerAsync());
        Assert.Equal(0, await app.Process.WaitForExitAsync(Deadline));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the stop took {stopping.Elapsed}, as if it waited for the shutdown timeout");
    }

    [Fact]
    public async Task AResponseUnderWayWhenTheStopBeginsKeepsItsConnectionForTheNextRequest()
    {
        // Its headers went out saying keep-alive, so its client may send the next request the moment
        // the response ends. Closing after it would lose that request; it must be answered instead.
        var started = new TaskCompletionSource<ConnectionDrain>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var site = TlsSettings.CreateOptions(new ServerCertificate(certificates.Files.Certificate, []));
        using var tls = new ServerTls(new AutomaticCertificateSource(_ => site, new PendingChallenges()));
        await using var server = await InProcessServer.StartAsync(tls, site: async context =>
        {
            if (context.Request.Path == "/held")
            {
                await context.Response.StartAsync();
                started.SetResult((ConnectionDrain)context.Features.Get<IConnectionLifetimeNotificationFeature>()!);
                await release.Task;
            }

            await context.Response.WriteAsync("site");
        });

        await using var connection = await RawHttps.ConnectAsync(server.Port, SslApplicationProtocol.Http11);
        var held = connection.GetAsync("/held");
        var drain = await started.Task.WaitAsync(Deadline);
        var stopping = server.StopAsync();
        await Poll.UntilAsync(() => Task.FromResult(drain.Stopping), Deadline, "the connection hearing of the stop");
        release.SetResult();

        var (status, headers) = await held.WaitAsync(Deadline);
        Assert.Equal("HTTP/1.1 200 OK", status);
        Assert.False(headers.ContainsKey("connection"), "the held response's headers were sent before the stop");
        var (nextStatus, nextHeaders) = await connection.GetAsync("/").WaitAsync(Deadline);
        Assert.Equal("HTTP/1.1 200 OK", nextStatus);
        Assert.Equal("close", nextHeaders["connection"]);
        Assert.True(await connection.ClosedByServerAsync());
        await stopping.WaitAsync(Deadline);
    }

    [Fact]
    public async Task AnHttp2ConnectionClosesWhenItsLastStreamEndsThoughItsClientSendsNothingMore()
    {
        // The client answers the stop's PING, then only reads: nothing it sends can wake Kestrel, whose
        // heartbeat has stopped, to see the stream end. The stop must not wait for the shutdown timeout (30 s).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var site = TlsSettings.CreateOptions(new ServerCertificate(certificates.Files.Certificate, []));
        using var tls = new ServerTls(new AutomaticCertificateSource(_ => site, new PendingChallenges()));
        await using var server = await InProcessServer.StartAsync(tls, site: async context =>
        {
            started.SetResult();
            await release.Task;
            await context.Response.WriteAsync("site");
        });

        await using var http2 = await RawHttps.ConnectAsync(server.Port, SslApplicationProtocol.Http2);
        await http2.Tls.WriteAsync(Http2Wire.ConnectionStart());
        await http2.Tls.WriteAsync(Http2Wire.Get(1, $"127.0.0.1:{server.Port}", "/held"));
        await started.Task.WaitAsync(Deadline);
        var stopping = server.StopAsync();
        Assert.Equal(int.MaxValue, Http2Wire.LastStream(await NextAsync(http2, Http2Wire.GoAway)));
        var ping = await NextAsync(http2, Http2Wire.Ping);
        await http2.Tls.WriteAsync(Http2Wire.PingAck(ping.Payload));
        // Kestrel, told while stream 1 is open, repeats GOAWAY(2^31-1): only the stream's end is left.
        Assert.Equal(int.MaxValue, Http2Wire.LastStream(await NextAsync(http2, Http2Wire.GoAway)));
        release.SetResult();

        var (status200, lastStream) = await StepTwoAsync(http2, stream: 1, acknowledgePings: false);
        Assert.True(status200, "the held stream got no 200");
        Assert.Equal(1, lastStream);
        await stopping.WaitAsync(Deadline);
    }

    /// <summary>
    /// Reads until the server closes: whether the stream got a 200, and the lowest last stream id of
    /// the GOAWAYs, which must never rise (RFC 9113 §6.8). Kestrel, told to stop while the stream is
    /// open, first repeats GOAWAY(2^31-1); its last GOAWAY goes out as the stream completes, and may
    /// overtake the stream's response still queued behind it. Both orders are the protocol's.
    /// </summary>
    /// <param name="acknowledgePings">False for a client that sends nothing more.</param>
    private static async Task<(bool Status200, int LastStream)> StepTwoAsync(RawHttps connection, int stream, bool acknowledgePings = true)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        bool status200 = false;
        int lastStream = int.MaxValue;
        while (true)
        {
            Http2Wire.Frame frame;
            try
            {
                frame = await Http2Wire.ReadFrameAsync(connection.Tls, deadline.Token);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException)
            {
                return (status200, lastStream); // closed: with close_notify, or reset over PING acknowledgements it did not read
            }

            switch (frame.Type)
            {
                case Http2Wire.Headers when frame.Stream == stream:
                    status200 = Http2Wire.IsStatus200(frame);
                    break;
                case Http2Wire.GoAway:
                    int named = Http2Wire.LastStream(frame);
                    Assert.True(named <= lastStream, $"GOAWAY raised the last stream id from {lastStream} to {named}");
                    lastStream = named;
                    break;
                case Http2Wire.Ping when acknowledgePings && (frame.Flags & Http2Wire.Ack) == 0:
                    await connection.Tls.WriteAsync(Http2Wire.PingAck(frame.Payload), deadline.Token);
                    break;
            }
        }
    }

    private static Task<Http2Wire.Frame> NextAsync(RawHttps connection, byte type) => Http2Wire.NextAsync(connection.Tls, type, Deadline);
}
