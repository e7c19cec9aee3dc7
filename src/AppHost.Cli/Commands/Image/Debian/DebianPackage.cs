namespace AppHost.Cli.Commands.Image.Debian;

/// <summary>A Debian package pinned by where it lives on a mirror and by its SHA-256.</summary>
/// <param name="Name">The package's name, for messages: libc6.</param>
/// <param name="MirrorPath">Its path under a mirror's root: debian/pool/main/g/glibc/libc6_..._amd64.deb.</param>
/// <param name="Sha256">The SHA-256 of the .deb, lower-case hex, as the release's Packages file lists it.</param>
internal sealed record DebianPackage(string Name, string MirrorPath, string Sha256);
