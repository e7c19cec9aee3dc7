using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Running;

/// <summary>SIGTERM and SIGINT stop accepting, let in-flight requests finish within the shutdown timeout, and exit 0.</summary>
public sealed class ShutdownTests
{
    private static readonly byte[] Body = """{"name":"in flight"}"""u8.ToArray();

    [Fact]
    public async Task InFlightRequestCompletesAfterSigterm()
    {
        await using var app = await SampleApp.StartAsync("--shutdown-timeout", "30");
        using var request = await InFlightRequest.StartAsync(app.Address.Port);

        app.Process.Signal(PosixSignal.SIGTERM);
        await Poll.UntilAsync(async () => !await Poll.CanConnectAsync(app.Address.Port), TimeSpan.FromSeconds(10), "refusing new connections");
        string? status = await request.FinishAsync();

        Assert.Equal("HTTP/1.1 200 OK", status);
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(app.LogEvents(), e => e.GetProperty("@mt").GetString() == "Stopped");
    }

    [Fact]
    public async Task ShutdownTimeoutEndsADrainThatNeverFinishes()
    {
        await using var app = await SampleApp.StartAsync("--shutdown-timeout", "1");
        using var request = await InFlightRequest.StartAsync(app.Address.Port);

        app.Process.Signal(PosixSignal.SIGTERM);

        // Well under the 30 s default: the request never completes, so only the 1 s timeout can end the wait.
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task SighupNeverStopsTheServer()
    {
        // Without a certificate there is nothing to reload, but systemctl reload must not end the service.
        await using var app = await SampleApp.StartAsync();

        app.Process.Signal(PosixSignal.SIGHUP);
        using var client = TestClients.Http11(app.Address);
        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(app.Process.HasExited);
    }

    [Fact]
    public async Task SigintStopsCleanly()
    {
        await using var app = await SampleApp.StartAsync();

        app.Process.Signal(PosixSignal.SIGINT);

        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// A POST whose headers ask "Expect: 100-continue". The server answers "100 Continue" only
    /// when the handler starts reading the body, so once that line is read the request is
    /// certainly in flight inside the app, and stays so until the body is sent.
    /// </summary>
    private sealed class InFlightRequest : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly StreamReader _reader;

        private InFlightRequest(TcpClient tcp)
        {
            _tcp = tcp;
            _reader = new StreamReader(tcp.GetStream(), Encoding.ASCII);
        }

        public static async Task<InFlightRequest> StartAsync(int port)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var request = new InFlightRequest(tcp);
            string headers = $"POST /api/greeting HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\nExpect: 100-continue\r\n\r\n";
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(headers));
            Assert.Equal("HTTP/1.1 100 Continue", await request._reader.ReadLineAsync());
            Assert.Equal("", await request._reader.ReadLineAsync());
            return request;
        }

        /// <summary>Sends the body and returns the response's status line.</summary>
        public async Task<string?> FinishAsync()
        {
            await _tcp.GetStream().WriteAsync(Body);
            return await _reader.ReadLineAsync();
        }

        public void Dispose()
        {
            _reader.Dispose();
            _tcp.Dispose();
        }
    }
}
