using System.Globalization;
using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// One HTTP/1.1 response read byte by byte from a connection, plain or TLS, so a test sees the
/// framing exactly as the server sent it: a Content-Length body or chunks.
/// </summary>
public static class HttpResponseReader
{
    /// <param name="StatusLine">As sent, for example "HTTP/1.1 200 OK".</param>
    /// <param name="Headers">By lower-cased name.</param>
    /// <param name="Body">Decoded as UTF-8, without the chunks' framing.</param>
    public sealed record Response(string StatusLine, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public int Status => int.Parse(StatusLine.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <param name="onFirstChunk">Called with the first chunk of a chunked body as soon as it has arrived.</param>
    public static async Task<Response> ReadAsync(Stream connection, Action<string>? onFirstChunk = null)
    {
        string status = await ReadLineAsync(connection);
        var headers = new Dictionary<string, string>();
        for (string line = await ReadLineAsync(connection); line.Length > 0; line = await ReadLineAsync(connection))
        {
            string[] field = line.Split(':', 2);
            headers[field[0].Trim().ToLowerInvariant()] = field[1].Trim();
        }

        if (headers.TryGetValue("content-length", out string? length))
        {
            return new Response(status, headers, await ReadStringAsync(connection, int.Parse(length, CultureInfo.InvariantCulture)));
        }

        // Chunked: a hexadecimal size line, the chunk and CRLF, until a chunk of size 0 and the last CRLF.
        var body = new StringBuilder();
        for (int size; (size = int.Parse(await ReadLineAsync(connection), NumberStyles.HexNumber, CultureInfo.InvariantCulture)) > 0;)
        {
            string chunk = await ReadStringAsync(connection, size);
            await ReadLineAsync(connection);
            if (body.Length == 0)
            {
                onFirstChunk?.Invoke(chunk);
            }

            body.Append(chunk);
        }

        await ReadLineAsync(connection);
        return new Response(status, headers, body.ToString());
    }

    private static async Task<string> ReadStringAsync(Stream connection, int length)
    {
        byte[] bytes = new byte[length];
        await connection.ReadExactlyAsync(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static async Task<string> ReadLineAsync(Stream connection)
    {
        var line = new StringBuilder();
        byte[] one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            await connection.ReadExactlyAsync(one);
            line.Append((char)one[0]);
        }

        return line.ToString(0, line.Length - 2);
    }
}
