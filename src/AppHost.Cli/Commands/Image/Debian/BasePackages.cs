using System.Runtime.InteropServices;

namespace AppHost.Cli.Commands.Image.Debian;

/// <summary>
/// What the image's base layer is made of: the Debian 12 (bookworm) packages the native file needs
/// to run, pinned by SHA-256. Debian 12 because its libssl3 is the OpenSSL 3 that .NET 10 loads
/// first, and its glibc 2.36 is far above the 2.17 the file needs (AppHost.Server.Glibc.targets);
/// Debian 11 has only OpenSSL 1.1. Measured with LD_DEBUG=files on a served request and a SIGTERM:
/// the file loads libc, libm, libdl, libpthread, librt (libc6) and dlopens libssl.so.3 and
/// libcrypto.so.3 (libssl3). libgcc-s1 is what glibc dlopens to unwind a thread that exits or is
/// cancelled, and .NET lists it among its dependencies. ca-certificates gives the bundle an ACME
/// client or any outgoing HTTPS needs. To update: apt-cache show PACKAGE:ARCH on a Debian 12 machine
/// gives each Filename and SHA256.
/// </summary>
internal static class BasePackages
{
    /// <summary>The Debian release these are from, for the image's os-release.</summary>
    public const string Release = "12 (bookworm)";

    /// <summary>
    /// Mirror roots tried in order, each holding debian/ and debian-security/. Security updates
    /// (pool/updates) are on debian-security. When bookworm leaves deb.debian.org its pool lives on
    /// at archive.debian.org; a superseded version leaves both, and the cache keeps what was checked.
    /// </summary>
    public static readonly string[] Mirrors = ["https://deb.debian.org", "https://archive.debian.org"];

    public static IReadOnlyList<DebianPackage> For(Architecture architecture) => architecture switch
    {
        Architecture.X64 =>
        [
            new("libc6", "debian/pool/main/g/glibc/libc6_2.36-9+deb12u14_amd64.deb", "ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf"),
            new("libssl3", "debian-security/pool/updates/main/o/openssl/libssl3_3.0.22-1~deb12u2_amd64.deb", "cb4784740daa9b3b0eaea2b444bbefa686794afbbf3d678d238c1fd9875f2efd"),
            new("libgcc-s1", "debian/pool/main/g/gcc-12/libgcc-s1_12.2.0-14+deb12u1_amd64.deb", "3016e62cb4b7cd8038822870601f5ed131befe942774d0f745622cc77d8a88f7"),
            CaCertificates,
        ],
        Architecture.Arm64 =>
        [
            new("libc6", "debian/pool/main/g/glibc/libc6_2.36-9+deb12u14_arm64.deb", "01f4330719fd4f65580e16ea5a0527f372fca750e8f588d26deaf09f2d3b1cf4"),
            new("libssl3", "debian-security/pool/updates/main/o/openssl/libssl3_3.0.22-1~deb12u2_arm64.deb", "3d04ecd8d0f57fed50d205abaeedfcc84c1960073ea085719c00add44b0ccd7f"),
            new("libgcc-s1", "debian/pool/main/g/gcc-12/libgcc-s1_12.2.0-14+deb12u1_arm64.deb", "576926b283613db80168ddf76380a3bd877602778cf0d226caa7bfbfa71eacf3"),
            CaCertificates,
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "no base packages for this processor"),
    };

    // Architecture "all": the same file for every image.
    private static readonly DebianPackage CaCertificates =
        new("ca-certificates", "debian-security/pool/updates/main/c/ca-certificates/ca-certificates_20250419~deb12u2_all.deb", "b9f76b5271a7ac373fd5e7e1b5b826a71ddd702b42a0d104955ecb1acfffc94b");
}
