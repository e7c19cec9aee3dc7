using System.Runtime.InteropServices;
using System.Text.Json;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>An image's platform in Go's names, as OCI and every registry spell it: linux/amd64, linux/arm64/v8.</summary>
internal sealed record Platform(string Architecture, string? Variant)
{
    public const string Os = "linux";

    public static Platform Of(Architecture architecture) => architecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => new("amd64", null),
        // v8: the variant Docker and containerd give every 64-bit ARM image; some pullers match on it.
        System.Runtime.InteropServices.Architecture.Arm64 => new("arm64", "v8"),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "no image platform for this processor"),
    };

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        WriteFields(json);
        json.WriteEndObject();
    }

    /// <summary>The fields alone, which an image config holds at its top level.</summary>
    public void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString("architecture", Architecture);
        json.WriteString("os", Os);
        if (Variant is not null)
        {
            json.WriteString("variant", Variant);
        }
    }
}
