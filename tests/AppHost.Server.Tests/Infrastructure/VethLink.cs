using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A network link of the test's own between this machine and a container: a veth pair with one end
/// here (<see cref="Name"/>) and one, host0, in the container's network namespace. Its addresses come
/// from the RFC 2544 benchmarking range 198.18.0.0/15, which no real network routes: link N is
/// 198.18.N.0/30, this machine's end 198.18.N.1 and the container's 198.18.N.2. No other interface,
/// address or route is touched, and the container needs no default route: the tests only reach it.
/// </summary>
public sealed class VethLink : IAsyncDisposable
{
    // N is the third byte of 198.18.N.0/30, and 0 is left out so no address ends up as 198.18.0.x.
    private const int FirstNumber = 1;
    private const int LastNumber = 255;

    // The kernel deletes a pair with the last process of the container's namespace, but in the background.
    private static readonly TimeSpan GoneTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _claim;

    private VethLink(int number, Socket claim)
    {
        Number = number;
        _claim = claim;
    }

    /// <summary>N: the link's third address byte, held by no other link while this one lives.</summary>
    public int Number { get; }

    /// <summary>This machine's end, named for the project so `ip link` says whose it is (at most 11 characters, under the kernel's 15).</summary>
    public string Name => $"apphost-{Number}";

    /// <summary>This machine's end of the link, 198.18.N.1: where a container sees the tests' connections come from.</summary>
    public IPAddress HostAddress => IPAddress.Parse($"198.18.{Number}.1");

    /// <summary>The container's end of the link, 198.18.N.2.</summary>
    public IPAddress ContainerAddress => IPAddress.Parse($"198.18.{Number}.2");

    /// <summary>
    /// Reserves the first number that no other link holds, in this test process or another one on the
    /// machine (two worktrees' runs): each claim is an abstract Unix socket bound to a name of its number,
    /// which the kernel frees when the socket closes or its process dies, so a killed run holds nothing.
    /// </summary>
    public static VethLink Claim()
    {
        for (int number = FirstNumber; number <= LastNumber; number++)
        {
            var claim = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                claim.Bind(new UnixDomainSocketEndPoint($"\0apphost-tests-link-{number}"));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                claim.Dispose();
                continue;
            }

            var link = new VethLink(number, claim);
            if (!link.Exists())
            {
                return link;
            }

            claim.Dispose(); // left behind by a run that died before its teardown: not ours to delete
        }

        throw new InvalidOperationException($"every link number from {FirstNumber} to {LastNumber} is taken; is `ip link` full of apphost-* interfaces?");
    }

    /// <summary>Makes the pair, puts its other end into the namespace of <paramref name="pid"/> as host0, and addresses and raises both ends.</summary>
    /// <param name="pid">A process in the container's network namespace (its init).</param>
    public async Task ConnectAsync(int pid)
    {
        string inContainer = pid.ToString(CultureInfo.InvariantCulture);
        await IpAsync([], ["link", "add", Name, "type", "veth", "peer", "name", "host0", "netns", inContainer]);
        await IpAsync([], ["addr", "add", $"{HostAddress}/30", "dev", Name]);
        await IpAsync([], ["link", "set", Name, "up"]);
        string[] enter = ["nsenter", "--target", inContainer, "--net"];
        await IpAsync(enter, ["addr", "add", $"{ContainerAddress}/30", "dev", "host0"]);
        await IpAsync(enter, ["link", "set", "host0", "up"]);
    }

    /// <summary>Deletes the pair if the container's end did not take it along, waits until it is gone, then frees the number.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Exists())
            {
                // Deleting one end deletes both. It may already be going with the namespace, so a failure is checked by the wait below.
                await CommandRun.RunAsync(["ip", "link", "delete", Name]);
            }

            await Poll.UntilAsync(() => Task.FromResult(!Exists()), GoneTimeout, $"interface {Name} to go");
        }
        finally
        {
            _claim.Dispose();
        }
    }

    private bool Exists() => Directory.Exists($"/sys/class/net/{Name}");

    private static async Task IpAsync(IReadOnlyList<string> prefix, IReadOnlyList<string> arguments) =>
        (await CommandRun.RunAsync([.. prefix, "ip", .. arguments])).AssertSucceeded();
}
