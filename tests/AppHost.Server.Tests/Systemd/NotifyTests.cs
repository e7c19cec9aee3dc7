using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Systemd;

/// <summary>
/// sd_notify as systemd sees it: the test listens on a datagram socket named by NOTIFY_SOCKET
/// and reads READY=1 once the server listens, WATCHDOG=1 beats, and STOPPING=1 on SIGTERM.
/// </summary>
public sealed class NotifyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifyTests() => _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));

    private string SocketPath => Path.Combine(_directory.Path, "notify");

    [Fact]
    public async Task ReadyWatchdogAndStoppingAreSent()
    {
        await using var app = await SampleApp.StartAsync([], new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = SocketPath,
            // 200 ms: the server must then beat every 100 ms.
            ["WATCHDOG_USEC"] = "200000",
        });

        string ready = await ReceiveAsync();
        Assert.StartsWith("READY=1\nSTATUS=Listening on http://127.0.0.1:", ready);
        Assert.Equal("WATCHDOG=1", await ReceiveAsync());
        Assert.Equal("WATCHDOG=1", await ReceiveAsync());

        app.Process.Signal(PosixSignal.SIGTERM);
        string stopping;
        do
        {
            stopping = await ReceiveAsync();
        }
        while (stopping == "WATCHDOG=1");

        Assert.StartsWith("STOPPING=1\nSTATUS=", stopping);
        Assert.Equal(0, await app.Process.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task WatchdogMeantForAnotherProcessIsLeftAlone()
    {
        await using var app = await SampleApp.StartAsync([], new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = SocketPath,
            ["WATCHDOG_USEC"] = "200000",
            ["WATCHDOG_PID"] = "1",
        });

        Assert.StartsWith("READY=1", await ReceiveAsync());
        app.Process.Signal(PosixSignal.SIGTERM);

        // The next message is the stop: no beat came in between.
        Assert.StartsWith("STOPPING=1", await ReceiveAsync());
    }

    public void Dispose()
    {
        _socket.Dispose();
        _directory.Dispose();
    }

    private async Task<string> ReceiveAsync()
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(Timeout);
        int length = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
