using System.Runtime.InteropServices;
using System.Text;
using AppHost.Cli.Commands.Image.Debian;
using AppHost.Cli.Commands.Image.Oci;

namespace AppHost.Cli.Commands.Image;

/// <summary>
/// The image's first layer: the files of the pinned Debian packages (<see cref="BasePackages"/>)
/// the native file runs on, and the few files a package's maintainer scripts or a base system would
/// have made: the CA bundle, the users, name lookup, /tmp. No shell, no package manager, no script
/// is ever run: the packages' files are copied, their scripts' effects written here instead.
/// </summary>
internal static class BaseLayer
{
    /// <summary>Where Debian's update-ca-certificates writes the bundle, and where OpenSSL on Debian looks.</summary>
    public const string CaBundle = "etc/ssl/certs/ca-certificates.crt";

    private const string MozillaCertificates = "usr/share/ca-certificates/mozilla/";

    /// <returns>The entries, and the packages by name and version for the image's history.</returns>
    public static async Task<(List<LayerEntry> Entries, string Description)> CreateAsync(Architecture architecture, PackageCache cache, CancellationToken cancel)
    {
        var entries = new List<LayerEntry>();
        var certificates = new List<LayerEntry>();
        var versions = new List<string>();
        foreach (var package in BasePackages.For(architecture))
        {
            byte[] deb = await cache.GetAsync(package, cancel);
            byte[] control = await DebFile.ReadControlAsync(deb, package.Name, cancel);
            foreach (var entry in await DebFile.ReadFilesAsync(deb, package.Name, cancel))
            {
                if (entry.Path.StartsWith(MozillaCertificates, StringComparison.Ordinal) && entry.Kind == LayerEntryKind.File)
                {
                    certificates.Add(entry);
                }
                else if (Keeps(entry))
                {
                    entries.Add(entry);
                }
            }

            // What dpkg would have recorded, where Google's distroless images put it: scanners
            // (Trivy, Grype) read status.d to know which package versions an image holds.
            entries.Add(LayerEntry.File($"var/lib/dpkg/status.d/{package.Name}", control));
            versions.Add($"{package.Name} {ControlField(control, "Version")}");
        }

        entries.Add(LayerEntry.File(CaBundle, Bundle(certificates)));
        entries.AddRange(SystemFiles());
        return (entries, $"Debian {BasePackages.Release}: {string.Join(", ", versions)}");
    }

    /// <summary>
    /// What of a package the image keeps: not gconv (8 MB of iconv character sets; with invariant
    /// globalization .NET never calls iconv), not /usr/sbin (update-ca-certificates, a shell script
    /// with no shell to run it), not the manuals, changelogs and lintian notes of /usr/share; each
    /// package's copyright file stays, as its licence asks. Folders are made for what is kept (0755,
    /// as Debian's are), so none stands empty.
    /// </summary>
    private static bool Keeps(LayerEntry entry)
    {
        string path = entry.Path;
        if (path.StartsWith("usr/share/", StringComparison.Ordinal))
        {
            // usr/share/doc/PACKAGE/copyright: four slashes (an example's copyright sits deeper).
            return entry.Kind == LayerEntryKind.File && path.StartsWith("usr/share/doc/", StringComparison.Ordinal) && path.EndsWith("/copyright", StringComparison.Ordinal)
                && path.Count(c => c == '/') == 4;
        }

        return !path.Contains("/gconv", StringComparison.Ordinal) && !path.StartsWith("usr/sbin", StringComparison.Ordinal) && entry.Kind != LayerEntryKind.Folder;
    }

    /// <summary>
    /// The bundle ca-certificates' postinst makes with update-ca-certificates: every certificate of
    /// the package, in order, each ending with a newline.
    /// </summary>
    private static byte[] Bundle(List<LayerEntry> certificates)
    {
        var bundle = new MemoryStream();
        foreach (var certificate in certificates.OrderBy(c => c.Path, StringComparer.Ordinal))
        {
            bundle.Write(certificate.Content);
            if (certificate.Content!.Length > 0 && certificate.Content[^1] != '\n')
            {
                bundle.WriteByte((byte)'\n');
            }
        }

        return bundle.ToArray();
    }

    private static IEnumerable<LayerEntry> SystemFiles()
    {
        int user = ImageSpec.UserId;
        // The user has no home and no login shell: nothing of it is ever written to, nobody logs in.
        yield return LayerEntry.File("etc/passwd", Encoding.ASCII.GetBytes($"root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:{user}:{user}:nonroot:/nonexistent:/sbin/nologin\n"));
        yield return LayerEntry.File("etc/group", Encoding.ASCII.GetBytes($"root:x:0:\nnonroot:x:{user}:\n"));
        // Without this file glibc asks DNS before /etc/hosts, so "localhost" would leave the machine.
        yield return LayerEntry.File("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"u8.ToArray());
        // Scanners read os-release to know the distribution whose advisories apply to status.d.
        yield return LayerEntry.File("etc/os-release", Encoding.ASCII.GetBytes(
            $"PRETTY_NAME=\"Debian GNU/Linux {BasePackages.Release}, packages only (apphost image)\"\nNAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"));
        // Debian's openssl package links OpenSSL's compiled-in places to the bundle; libssl3 alone does not.
        yield return LayerEntry.Link("usr/lib/ssl/cert.pem", "/" + CaBundle);
        yield return LayerEntry.Link("usr/lib/ssl/certs", "/etc/ssl/certs");
        // Writable by all, sticky (1777), as on every system; a read-only root makes it read-only too.
        yield return LayerEntry.Folder("tmp", (UnixFileMode)0b1_111_111_111);
        // Mount points: a runtime that keeps the root read-only from the start (systemd-nspawn
        // --read-only) cannot make them; runc and crun make them before they seal the root.
        foreach (string mountPoint in new[] { "dev", "proc", "run", "sys" })
        {
            yield return LayerEntry.Folder(mountPoint);
        }
    }

    private static string ControlField(byte[] control, string field)
    {
        string prefix = field + ": ";
        return Encoding.UTF8.GetString(control).Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim() ?? "?";
    }
}
