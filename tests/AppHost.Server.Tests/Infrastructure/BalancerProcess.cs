using System.Diagnostics;
using System.Net;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A load balancer (HAProxy, nginx) the test runs in the foreground, with a configuration of its
/// own in a folder of its own, listening for clients at <see cref="Address"/>; killed on dispose.
/// </summary>
public sealed class BalancerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly TempDirectory _folder;

    private BalancerProcess(Process process, TempDirectory folder, IPAddress address, int port, int? plainPort)
    {
        _process = process;
        _folder = folder;
        Address = address;
        Port = port;
        PlainPort = plainPort;
    }

    /// <summary>Where clients connect.</summary>
    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>Where clients connect over plain HTTP, for a balancer that ends TLS and has a plain port too; else null.</summary>
    public int? PlainPort { get; }

    /// <param name="program">The balancer's program.</param>
    /// <param name="address">The loopback address clients connect to.</param>
    /// <param name="configure">Given the folder and the port: writes the configuration there, and returns the arguments that run the program in the foreground with it.</param>
    /// <param name="plainPort">The balancer's plain HTTP port, if its configuration has one (chosen by the caller, who writes it there).</param>
    public static async Task<BalancerProcess> StartAsync(string program, IPAddress address, Func<string, int, string[]> configure, int? plainPort = null)
    {
        // The port is in the configuration: chosen free just before the balancer binds it.
        int port = FreePorts.Take();
        var folder = new TempDirectory();
        BalancerProcess? balancer = null;
        try
        {
            var process = Process.Start(new ProcessStartInfo(program, configure(folder.Path, port))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            balancer = new BalancerProcess(process, folder, address, port, plainPort);
            await Poll.UntilAsync(async () => process.HasExited || await LoopbackPeer.CanConnectAsync(new IPEndPoint(address, port)), StartTimeout, $"{program} listening");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
            }

            return balancer;
        }
        catch
        {
            if (balancer is null)
            {
                folder.Dispose();
            }
            else
            {
                await balancer.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // nginx has worker processes beside its master.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Dispose();
    }
}
