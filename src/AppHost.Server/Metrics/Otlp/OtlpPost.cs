using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using AppHost.Listening;

namespace AppHost.Metrics.Otlp;

/// <summary>
/// The push's HTTP client: one POST on a connection of its own, closed once the reply's status is read.
/// HttpClient did this before; its connection pool, handlers and header collections were about half a
/// MiB of memory in every app that pushed (docs/metrics.md), for one request a minute. This is HTTP/1.1
/// as RFC 9112 has it for a client that sends <c>Connection: close</c>, and nothing else: no redirects
/// (a 302 would send the metrics to whatever host it names), no proxy from the environment, no retry.
/// </summary>
internal sealed class OtlpPost
{
    // The reply's status line and headers. A receiver's are a few hundred bytes; eight KiB that do not
    // end are some other server's, and reading further would only hold memory for them.
    private const int MaxReplyHead = 8 * 1024;

    private readonly string _host;
    private readonly int _port;
    private readonly bool _https;
    private readonly string _head;
    private readonly byte[] _reply = new byte[MaxReplyHead];

    /// <param name="endpoint">The receiver's http:// or https:// URL, checked already.</param>
    /// <param name="userAgent">The User-Agent header's value.</param>
    /// <param name="headers">The operator's own headers (an API key), from <see cref="OtlpHeaders"/>; checked already.</param>
    public OtlpPost(Uri endpoint, string userAgent, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        (_host, _port, _https) = (endpoint.IdnHost, endpoint.Port, endpoint.Scheme == Uri.UriSchemeHttps);
        // The name as DNS has it (punycode, never Unicode, which a header cannot carry), an IPv6 address in brackets.
        string host = endpoint.HostNameType == UriHostNameType.IPv6 ? $"[{_host}]" : _host;
        var head = new StringBuilder()
            .Append("POST ").Append(endpoint.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append(endpoint.IsDefaultPort ? "" : $":{_port}").Append("\r\n")
            .Append("User-Agent: ").Append(userAgent).Append("\r\n")
            // OTLP/HTTP's binary encoding, which every receiver accepts (JSON is optional for some).
            .Append("Content-Type: application/x-protobuf\r\n")
            // A connection per push: one a minute by default, and no idle connection for a receiver or a
            // balancer to drop between pushes, which a kept one would have to detect and send again on.
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        _head = head.Append("Content-Length: ").ToString();
    }

    /// <summary>Sends one request, and reads the reply as far as its status.</summary>
    /// <param name="body">An ExportMetricsServiceRequest.</param>
    /// <param name="cancel">Ends the attempt: the push's time is up, or the server stops.</param>
    /// <returns>Null for a 2xx reply; otherwise the problem, in words for the log.</returns>
    /// <exception cref="SocketException">Connecting failed: no such host, connection refused.</exception>
    /// <exception cref="IOException">The connection broke.</exception>
    /// <exception cref="AuthenticationException">The receiver's certificate is not trusted, or TLS failed.</exception>
    public async Task<string?> SendAsync(ArraySegment<byte> body, CancellationToken cancel)
    {
        // The head and the body are two writes: the second must not wait for the first's acknowledgement.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Tries the name's addresses in turn, IPv6 and IPv4, as they resolve.
        await socket.ConnectAsync(_host, _port, cancel);
        await using var stream = _https ? await SecureAsync(new NetworkStream(socket), cancel) : new NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(_head + body.Count.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n"), cancel);
        await stream.WriteAsync(body, cancel);
        return await ReadStatusAsync(stream, cancel);
    }

    // The system's trusted CAs, and TLS 1.2 or 1.3, as the server's own listener allows.
    private async Task<Stream> SecureAsync(NetworkStream connection, CancellationToken cancel)
    {
        var tls = new SslStream(connection);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = _host,
                EnabledSslProtocols = TlsSettings.Protocols,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }, cancel);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    // The final status: an informational (1xx) head is skipped, as RFC 9110 §15.2 lets a server send one unasked.
    private async Task<string?> ReadStatusAsync(Stream stream, CancellationToken cancel)
    {
        int filled = 0;
        while (true)
        {
            int end = _reply.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                if (Status(_reply.AsSpan(0, end)) is not { } status)
                {
                    return "the reply is not HTTP/1.1: the endpoint is not an OTLP/HTTP receiver";
                }

                if (status.Code >= 200)
                {
                    return status.Code < 300 ? null : $"HTTP {status.Code} {status.Reason}";
                }

                // What follows the informational head is the next one.
                int next = end + 4;
                _reply.AsSpan(next, filled - next).CopyTo(_reply);
                filled -= next;
                continue;
            }

            if (filled == _reply.Length)
            {
                return $"the reply's headers are over {MaxReplyHead / 1024} KiB: the endpoint is not an OTLP/HTTP receiver";
            }

            int read = await stream.ReadAsync(_reply.AsMemory(filled), cancel);
            if (read == 0)
            {
                return "the receiver closed the connection before its reply";
            }

            filled += read;
        }
    }

    // "HTTP/1.1 200 OK": the code, and the reason phrase with anything unprintable left out, since it goes to the log.
    private static (int Code, string Reason)? Status(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        var line = lineEnd < 0 ? head : head[..lineEnd];
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ' || line.Length > 12 && line[12] != (byte)' '
            || !char.IsAsciiDigit((char)line[9]) || !char.IsAsciiDigit((char)line[10]) || !char.IsAsciiDigit((char)line[11]) || line[9] == (byte)'0')
        {
            return null;
        }

        // Three digits, checked above: by hand, rather than a UTF-8 integer parser in every file for them.
        int code = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');

        var reason = new StringBuilder();
        foreach (byte b in line[Math.Min(line.Length, 13)..])
        {
            if (b is >= 0x20 and < 0x7f && reason.Length < 100)
            {
                reason.Append((char)b);
            }
        }

        return (code, reason.ToString());
    }
}
