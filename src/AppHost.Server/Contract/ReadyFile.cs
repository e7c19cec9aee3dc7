using System.Text.Json;

namespace AppHost.Contract;

/// <summary>
/// What a started server tells tools and tests through <c>--ready-file FILE</c>: where it listens,
/// its process and its version. The server writes the file atomically once every listener is
/// open and removes it when it stops, so a file that exists is complete. This, not the log,
/// is the interface for machines: log text and property names may change, this format may only grow.
/// </summary>
/// <param name="ProcessId">The server's process id.</param>
/// <param name="App">The app's name, as its native file is named.</param>
/// <param name="AppVersion">The app's informational version.</param>
/// <param name="AppHostVersion">AppHost.Server's informational version.</param>
/// <param name="Listeners">Every address the server listens on, with its role.</param>
internal sealed record ReadyFile(int ProcessId, string App, string AppVersion, string AppHostVersion, IReadOnlyList<ReadyFile.Listener> Listeners)
{
    /// <summary>The format written; a reader refuses a newer one rather than misread it.</summary>
    public const int Format = 1;

    /// <summary>The role of the server's own listener: HTTPS with a certificate, plain HTTP without.</summary>
    public const string ServerRole = "server";

    /// <summary>The role of the plain HTTP listener that redirects to HTTPS (--http-port).</summary>
    public const string RedirectRole = "redirect";

    /// <summary>The role of the plain HTTP listener of Prometheus's /metrics (--metrics-port).</summary>
    public const string MetricsRole = "metrics";

    /// <summary>The first address of the server's own listener.</summary>
    public Uri Server => Listeners.First(l => l.Role == ServerRole).Url;

    /// <summary>The first address of the redirect listener, or null when there is none.</summary>
    public Uri? Redirect => Listeners.FirstOrDefault(l => l.Role == RedirectRole)?.Url;

    /// <summary>The address of the metrics listener, or null when there is none.</summary>
    public Uri? Metrics => Listeners.FirstOrDefault(l => l.Role == MetricsRole)?.Url;

    /// <summary>One listening address.</summary>
    /// <param name="Role"><see cref="ServerRole"/>, <see cref="RedirectRole"/> or <see cref="MetricsRole"/>; more may come.</param>
    /// <param name="Url">For example https://127.0.0.1:41234.</param>
    public sealed record Listener(string Role, Uri Url);

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format", Format);
            json.WriteNumber("pid", ProcessId);
            json.WriteString("app", App);
            json.WriteString("appVersion", AppVersion);
            json.WriteString("apphostVersion", AppHostVersion);
            json.WriteStartArray("listeners");
            foreach (var listener in Listeners)
            {
                json.WriteStartObject();
                json.WriteString("role", listener.Role);
                json.WriteString("url", listener.Url.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The text is not a ready file of a format this reader knows.</exception>
    public static ReadyFile Parse(ReadOnlyMemory<byte> text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            int format = root.GetProperty("format").GetInt32();
            if (format > Format)
            {
                throw new FormatException($"ready file format {format} is newer than this reader's {Format}; update AppHost.Testing or apphost");
            }

            return new ReadyFile(
                root.GetProperty("pid").GetInt32(),
                root.GetProperty("app").GetString()!,
                root.GetProperty("appVersion").GetString()!,
                root.GetProperty("apphostVersion").GetString()!,
                [.. root.GetProperty("listeners").EnumerateArray().Select(l => new Listener(l.GetProperty("role").GetString()!, new Uri(l.GetProperty("url").GetString()!)))]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException)
        {
            throw new FormatException($"not a ready file: {e.Message}", e);
        }
    }

    /// <summary>Reads the file if the server has written it.</summary>
    /// <returns>null while it does not exist.</returns>
    /// <exception cref="FormatException">The file is not a ready file.</exception>
    public static ReadyFile? TryRead(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
