using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppHostSample;

/// <summary>
/// Every Kestrel limit and timeout, set explicitly, with the reason for each number. These make
/// the server safe to face the internet with nothing in front of it.
/// </summary>
internal static class Limits
{
    public static void Apply(KestrelServerLimits limits, int maxConnections)
    {
        // A flood of idle sockets must not exhaust file descriptors or memory; --max-connections raises it.
        limits.MaxConcurrentConnections = maxConnections;
        // WebSockets and other upgraded connections live long, so they count against the same cap.
        limits.MaxConcurrentUpgradedConnections = maxConnections;

        // Slowloris: all headers must arrive within 10 s (Kestrel's default is 30 s), which any
        // real client on any real link manages, while a trickling attacker is cut off early.
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // Longer than the 60 s idle timeout of common load balancers, so the server is never the
        // side that closes a connection a balancer is about to reuse; as nginx's default.
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(75);

        // Slow bodies (R.U.D.Y.): after a 5 s grace a client must keep sending at least 240 B/s,
        // which a phone on a poor link still does; slower is an attack holding a connection open.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        // The same floor for reading responses, so a client cannot pin one in memory by reading slowly.
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

        // 10 MiB of body: ample for forms and JSON. An upload endpoint raises it for itself with
        // [RequestSizeLimit] or IHttpMaxRequestBodySizeFeature.
        limits.MaxRequestBodySize = 10 * 1024 * 1024;
        // 8 KiB for the request line (method, path and query), as nginx; longer is abuse.
        limits.MaxRequestLineSize = 8 * 1024;
        // 32 KiB of headers in all and at most 100 of them: room for big cookies and tokens, not for header bombs.
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxRequestHeaderCount = 100;
        // Per connection, Kestrel stops reading after 1 MiB the app has not consumed, and the app's
        // writes wait after 64 KiB the client has not taken: memory per connection stays bounded.
        limits.MaxRequestBufferSize = 1024 * 1024;
        limits.MaxResponseBufferSize = 64 * 1024;

        // HTTP/2: 100 concurrent streams, the minimum RFC 9113 asks servers to allow, bounds the
        // work one connection can queue (and with it rapid-reset floods).
        limits.Http2.MaxStreamsPerConnection = 100;
        // HPACK's dynamic table at the RFC default of 4 KiB, and 16 KiB per decoded header field.
        limits.Http2.HeaderTableSize = 4096;
        limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
        // 16 KiB frames, the RFC default every client supports.
        limits.Http2.MaxFrameSize = 16 * 1024;
        // Flow-control windows: 1 MiB per connection and 768 KiB per stream let one upload fill a
        // fast link while bounding what a client can make the server buffer.
        limits.Http2.InitialConnectionWindowSize = 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 768 * 1024;
        // No pings: an idle HTTP/2 connection is closed by KeepAliveTimeout like an HTTP/1.1 one.
        limits.Http2.KeepAlivePingDelay = TimeSpan.MaxValue;
    }
}
