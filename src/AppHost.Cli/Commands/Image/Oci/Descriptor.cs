using System.Text.Json;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>An OCI content descriptor: what a manifest or index says about a blob it points to.</summary>
/// <param name="Platform">For an index's entry: the platform of the image it points to.</param>
/// <param name="Annotations">Written in key order.</param>
internal sealed record Descriptor(string MediaType, string Digest, long Size, Platform? Platform = null, IReadOnlyDictionary<string, string>? Annotations = null)
{
    public static Descriptor Of(string mediaType, byte[] blob, Platform? platform = null, IReadOnlyDictionary<string, string>? annotations = null) =>
        new(mediaType, Layer.DigestOf(blob), blob.Length, platform, annotations);

    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", MediaType);
        json.WriteString("digest", Digest);
        json.WriteNumber("size", Size);
        if (Platform is not null)
        {
            json.WritePropertyName("platform");
            Platform.WriteTo(json);
        }

        OciJson.WriteMap(json, "annotations", Annotations);
        json.WriteEndObject();
    }
}
