using System.Globalization;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>The three JSON documents of the OCI image spec an image archive holds: config, manifest and index.</summary>
internal static class ImageDocuments
{
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";

    /// <summary>The tag of an image in an OCI layout, which skopeo, umoci and podman read.</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>How the container runs: the file as entrypoint, the numeric user, the port, SIGTERM to stop.</summary>
    /// <param name="history">One line per layer saying what made it, as docker history shows it.</param>
    public static byte[] Config(ImageSpec spec, Platform platform, IReadOnlyList<Layer> layers, IReadOnlyList<string> history) => OciJson.Write(json =>
    {
        string created = spec.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        json.WriteStartObject();
        json.WriteString("created", created);
        platform.WriteFields(json);
        json.WriteStartObject("config");
        json.WriteString("User", $"{ImageSpec.UserId}:{ImageSpec.UserId}");
        json.WriteStartObject("ExposedPorts");
        json.WriteStartObject($"{spec.Port}/tcp");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("Entrypoint");
        json.WriteStringValue($"/app/{spec.Name}");
        json.WriteEndArray();
        json.WriteString("WorkingDir", "/app");
        // What the server needs to drain: it stops taking connections and finishes those in flight.
        json.WriteString("StopSignal", "SIGTERM");
        OciJson.WriteMap(json, "Labels", spec.Labels());
        json.WriteEndObject();
        json.WriteStartObject("rootfs");
        json.WriteString("type", "layers");
        json.WriteStartArray("diff_ids");
        foreach (var layer in layers)
        {
            json.WriteStringValue(layer.DiffId);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartArray("history");
        foreach (string line in history)
        {
            json.WriteStartObject();
            json.WriteString("created", created);
            json.WriteString("created_by", line);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static byte[] Manifest(Descriptor config, IReadOnlyList<Descriptor> layers, IReadOnlyDictionary<string, string> annotations) => OciJson.Write(json =>
    {
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", 2);
        json.WriteString("mediaType", ManifestMediaType);
        json.WritePropertyName("config");
        config.WriteTo(json);
        json.WriteStartArray("layers");
        foreach (var layer in layers)
        {
            layer.WriteTo(json);
        }

        json.WriteEndArray();
        OciJson.WriteMap(json, "annotations", annotations);
        json.WriteEndObject();
    });

    public static byte[] Index(IReadOnlyList<Descriptor> manifests) => OciJson.Write(json =>
    {
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", 2);
        json.WriteString("mediaType", IndexMediaType);
        json.WriteStartArray("manifests");
        foreach (var manifest in manifests)
        {
            manifest.WriteTo(json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });
}
