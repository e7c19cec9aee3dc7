using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using IPNetwork = System.Net.IPNetwork;

namespace AppHost.Listening.ProxyProtocol;

/// <summary>
/// --proxy-protocol: the connection middleware, first on every listener (before TLS), that reads
/// the balancer's PROXY header and makes the client's address the connection's remote address,
/// which HttpContext.Connection, the request log and everything after see.
/// </summary>
internal static class ProxyHeaderConnections
{
    /// <summary>
    /// How long the whole header may take. A balancer sends it with the connection, in one packet;
    /// a peer still sending after this is stalling, and its connection is closed so it holds nothing.
    /// </summary>
    public static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(5);

    /// <param name="listen">The listener, before anything else is added to it.</param>
    /// <param name="trusted">--forwarded-by: the only peers whose header is read; others are closed unread.</param>
    public static void Use(ListenOptions listen, IReadOnlyList<IPNetwork> trusted) =>
        listen.Use(next => connection => ReadHeaderAsync(connection, next, trusted));

    private static async Task ReadHeaderAsync(ConnectionContext connection, ConnectionDelegate next, IReadOnlyList<IPNetwork> trusted)
    {
        var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (!ForwardedBy.IsTrusted(peer, trusted) || await ReadClientAsync(connection.Transport.Input, connection.ConnectionClosed) is not { } header)
        {
            connection.Abort(new ConnectionAbortedException("no valid PROXY protocol header from a --forwarded-by peer"));
            return;
        }

        if (header.Client is { } client)
        {
            connection.RemoteEndPoint = client;
        }

        await next(connection);
    }

    // The header's client (null inside for LOCAL and UNKNOWN), or null when there is no valid header in time.
    private static async Task<Header?> ReadClientAsync(PipeReader input, CancellationToken closed)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closed);
        deadline.CancelAfter(HeaderTimeout);
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            var buffer = read.Buffer;
            var outcome = ProxyHeader.Read(buffer, out int consumed, out var client);
            if (outcome == ProxyHeader.Outcome.Complete)
            {
                input.AdvanceTo(buffer.GetPosition(consumed));
                return new Header(client);
            }

            // Nothing consumed, everything examined: the next read waits for more bytes.
            input.AdvanceTo(buffer.Start, buffer.End);
            if (outcome == ProxyHeader.Outcome.Invalid || read.IsCompleted)
            {
                return null;
            }
        }
    }

    private sealed record Header(IPEndPoint? Client);
}
