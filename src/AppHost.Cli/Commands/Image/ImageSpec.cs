namespace AppHost.Cli.Commands.Image;

/// <summary>What an image says about the app, beside its files: the same for every platform.</summary>
/// <param name="Name">The app's name: the file is /app/NAME and the entrypoint.</param>
/// <param name="Version">The org.opencontainers.image.version label and the archive's tag; null for "latest" and no label.</param>
/// <param name="Source">The org.opencontainers.image.source label (the repository's URL), or null for none.</param>
/// <param name="Revision">The org.opencontainers.image.revision label (the commit), or null for none.</param>
/// <param name="Port">The TCP port the image declares (EXPOSE).</param>
/// <param name="Created">The time of every file and of the image: fixed, so the same inputs give the same digest.</param>
internal sealed record ImageSpec(string Name, string? Version, string? Source, string? Revision, int Port, DateTimeOffset Created)
{
    /// <summary>
    /// The image's user, a number so that Kubernetes' runAsNonRoot can check it without reading
    /// /etc/passwd: 65532, the "nonroot" of Google's distroless images, which many clusters' policies know.
    /// </summary>
    public const int UserId = 65532;

    /// <summary>The tag: the version, or "latest".</summary>
    public string Tag => Version ?? "latest";

    /// <summary>
    /// NAME:TAG, the archive's org.opencontainers.image.ref.name: podman load names the image
    /// localhost/NAME:TAG from it, and umoci and skopeo find the image by it. Lower-case, as an
    /// image reference's repository must be.
    /// </summary>
    public string Reference => $"{Name.ToLowerInvariant()}:{Tag}";

    /// <summary>The OCI labels of the image (its config) and annotations (its manifest), the same set.</summary>
    public IReadOnlyDictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = Name };
        Add("org.opencontainers.image.version", Version);
        Add("org.opencontainers.image.source", Source);
        Add("org.opencontainers.image.revision", Revision);
        return labels;

        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                labels[key] = value;
            }
        }
    }

    /// <summary>SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) when set, else the Unix epoch.</summary>
    public static DateTimeOffset CreatedFromEnvironment()
    {
        string? epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(epoch, out long seconds) && seconds >= 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UnixEpoch;
    }
}
