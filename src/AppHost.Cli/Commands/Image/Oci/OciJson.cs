using System.Text.Json;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>
/// Writes the image's JSON documents by hand with <see cref="Utf8JsonWriter"/>: no reflection (the
/// tool is NativeAOT), and the same fields in the same order every time, so the same digests.
/// </summary>
internal static class OciJson
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: the '+' of "tar+gzip" stays a '+', as every other tool writes it (the
        // default encoder writes \u002B, valid JSON but unlike the rest). None of it goes into HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        return buffer.ToArray();
    }

    /// <summary>An object of strings in ordinal key order, or nothing when there are none.</summary>
    public static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
        {
            return;
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}
