using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Connections made from inside another process's network namespace (a container's), so a client
/// in this test process can reach that container's own loopback. A socket belongs to the namespace
/// its creating thread was in; a short-lived thread enters it just to create and connect one.
/// </summary>
public static class NetworkNamespace
{
    private const int NewNetwork = 0x40000000; // CLONE_NEWNET

    /// <param name="pid">A process in the namespace (the container's init).</param>
    /// <param name="endpoint">Where to connect, as seen from inside.</param>
    public static Task<Socket> ConnectAsync(int pid, IPEndPoint endpoint)
    {
        var connected = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle($"/proc/{pid}/ns/net");
                using var own = File.OpenHandle("/proc/thread-self/ns/net");
                Enter(target);
                try
                {
                    var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Connect(endpoint);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }

                    connected.SetResult(socket);
                }
                finally
                {
                    Enter(own);
                }
            }
            catch (Exception e)
            {
                connected.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "connect in namespace",
        };
        thread.Start();
        return connected.Task;
    }

    private static void Enter(Microsoft.Win32.SafeHandles.SafeFileHandle ns)
    {
        if (SetNamespace((int)ns.DangerousGetHandle(), NewNetwork) != 0)
        {
            throw new IOException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int fd, int type);
}
