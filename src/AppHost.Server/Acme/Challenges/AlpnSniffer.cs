using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace AppHost.Acme.Challenges;

/// <summary>
/// The two connection middlewares of TLS-ALPN-01 on the HTTPS listener. Before TLS, while a
/// challenge is pending, it reads the client's ALPN list from the raw ClientHello without consuming
/// it (.NET 10 shows the handshake callback the SNI name but not ALPN; .NET 11's
/// <c>UseTlsClientHelloListener</c> is this same hook). After TLS, it ends a connection that
/// negotiated <c>acme-tls/1</c>, which carries no HTTP (RFC 8737 §3: the validator only looks at the certificate).
/// </summary>
internal static class AlpnSniffer
{
    // Kestrel's handshake timeout (TlsSettings: 10 s) only starts once TLS begins, after this
    // middleware; a client that connects and sends nothing must not hold the connection longer
    // than it could in the handshake itself.
    private static readonly TimeSpan ClientHelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Adds the ClientHello reader; call before <c>UseHttps</c>, so it sees the raw bytes.</summary>
    public static void UseBeforeTls(ListenOptions listen, PendingChallenges challenges) =>
        // With nothing pending (almost always) the connection passes at the cost of one check.
        listen.Use(next => connection => challenges.AnyTlsAlpn01 ? SniffAsync(connection, next) : next(connection));

    /// <summary>Adds the close of validation connections; call after <c>UseHttps</c>, so the protocol is negotiated.</summary>
    public static void UseAfterTls(ListenOptions listen) =>
        listen.Use(next => connection => NegotiatedAcmeTls(connection) ? Task.CompletedTask : next(connection));

    private static bool NegotiatedAcmeTls(ConnectionContext connection) =>
        connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol.Span.SequenceEqual(ChallengeCertificate.AcmeTls1.Protocol.Span) == true;

    private static async Task SniffAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        OfferedAlpn? offered;
        try
        {
            offered = await ReadOfferedAsync(connection.Transport.Input);
        }
        catch (OperationCanceledException)
        {
            connection.Abort(new ConnectionAbortedException("no TLS ClientHello within 10 s"));
            return;
        }

        if (offered is not null)
        {
            connection.Features.Set(offered);
        }

        await next(connection);
    }

    /// <summary>Waits for the first record and reads it, leaving every byte in the pipe for TLS.</summary>
    /// <returns>The offered names, or null when the first record is not a whole, readable ClientHello.</returns>
    /// <exception cref="OperationCanceledException">The client did not send a whole record in time.</exception>
    private static async Task<OfferedAlpn?> ReadOfferedAsync(PipeReader input)
    {
        // A token (not CancelPendingRead) so the timer can only ever cancel this middleware's own
        // reads, never one of TLS's afterwards.
        using var timeout = new CancellationTokenSource(ClientHelloTimeout);
        while (true)
        {
            var result = await input.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            var status = ClientHelloAlpn.Read(buffer, out var protocols);
            if (status != ClientHelloStatus.Incomplete || result.IsCompleted || result.IsCanceled)
            {
                // Nothing consumed and nothing examined: TLS reads the same bytes from the start.
                input.AdvanceTo(buffer.Start);
                return status == ClientHelloStatus.Parsed ? new OfferedAlpn(protocols) : null;
            }

            // All examined, nothing consumed: the next read waits for more bytes. The record's
            // length field caps this at ClientHelloAlpn.MaxRecordLength (16 KiB and 5 bytes).
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
