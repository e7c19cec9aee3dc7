using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace AppHost.Stopping;

/// <summary>
/// The connection middleware that gives each connection its <see cref="ConnectionDrain"/>. It runs
/// after TLS, so it knows whether the connection speaks HTTP/2, and before Kestrel's HTTP layer,
/// which then waits on the drain's token instead of Kestrel's own.
/// </summary>
internal static class DrainingConnections
{
    public static void Use(ListenOptions listen) => listen.Use(next => connection => DrainAsync(connection, next));

    private static async Task DrainAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var kestrel = connection.Features.Get<IConnectionLifetimeNotificationFeature>();
        if (kestrel is null)
        {
            await next(connection);
            return;
        }

        bool http2 = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol.Span.SequenceEqual("h2"u8) == true;
        using var pump = http2 ? new Http2GoAwayPump(connection.Transport) : null;
        using var drain = new ConnectionDrain(pump);
        connection.Features.Set<IConnectionLifetimeNotificationFeature>(drain);
        var transport = connection.Transport;
        var pumping = Task.CompletedTask;
        if (pump is not null)
        {
            connection.Transport = pump;
            pumping = pump.RunAsync();
        }

        // Runs at once if the server began stopping while this connection waited or shook hands.
        using var stopping = kestrel.ConnectionClosedRequested.Register(static d => ((ConnectionDrain)d!).ServerStopping(), drain);
        try
        {
            await next(connection);
        }
        finally
        {
            if (pump is not null)
            {
                await pump.FinishAsync(pumping);
                connection.Transport = transport;
            }

            connection.Features.Set(kestrel);
        }
    }
}
