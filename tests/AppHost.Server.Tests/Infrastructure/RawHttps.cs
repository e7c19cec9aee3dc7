using System.Net.Security;
using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A TLS connection driven by hand, byte by byte, so a test sees exactly what the server sends and when it closes.</summary>
public sealed class RawHttps : IAsyncDisposable
{
    private readonly TlsConnection _connection;

    private RawHttps(TlsConnection connection) => _connection = connection;

    public SslStream Tls => _connection.Tls;

    /// <param name="port">The HTTPS port on 127.0.0.1.</param>
    /// <param name="protocol">The one protocol offered by ALPN: HTTP/1.1 or HTTP/2.</param>
    /// <remarks>Any certificate is accepted: which certificate is served is other tests' business.</remarks>
    public static async Task<RawHttps> ConnectAsync(int port, SslApplicationProtocol protocol) =>
        new(await TlsConnection.ConnectAsync(port, protocols: [protocol]));

    /// <summary>Sends one HTTP/1.1 GET and reads its whole response (a Content-Length or a chunked body).</summary>
    /// <returns>The status line and the headers, lower-cased names; the body is read and dropped.</returns>
    public async Task<(string Status, IReadOnlyDictionary<string, string> Headers)> GetAsync(string path)
    {
        await Tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var response = await HttpResponseReader.ReadAsync(Tls);
        return (response.StatusLine, response.Headers);
    }

    /// <summary>True once the server has closed the connection (a read returns nothing).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        try
        {
            return await Tls.ReadAsync(new byte[1]) == 0;
        }
        catch (IOException)
        {
            return true; // reset rather than closed: still closed by the server
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
