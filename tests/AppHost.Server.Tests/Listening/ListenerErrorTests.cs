using System.Net;
using System.Net.Sockets;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>A listener that cannot be opened stops the start with exit code 1 and one line naming the fix.</summary>
public sealed class ListenerErrorTests
{
    private const int Failure = 1;

    [Fact]
    public async Task PortAlreadyInUseIsNamed()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var run = await AppExit.RunAsync("--host", "127.0.0.1", "--port", port.ToString());

        run.AssertOneLineError(Failure, $"port {port} is already in use", "--port");
    }

    [Fact]
    public async Task RedirectPortAlreadyInUseIsNamedAsTheRedirectPort()
    {
        using var certificates = new TestCertificates();
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var run = await AppExit.RunAsync("--host", "127.0.0.1", "--port", "0", "--cert", certificates.Pfx, "--http-port", port.ToString());

        run.AssertOneLineError(Failure, $"port {port} is already in use", "choose another port with --http-port");
    }

    [Fact]
    public async Task AddressNotOnThisMachineIsNamed()
    {
        // 192.0.2.1 is reserved for documentation (RFC 5737): no machine has it, and binding sends nothing.
        var run = await AppExit.RunAsync("--host", "192.0.2.1", "--port", "0");

        run.AssertOneLineError(Failure, "address 192.0.2.1 is not on this machine", "--host");
    }
}
