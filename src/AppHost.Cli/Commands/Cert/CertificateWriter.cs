using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Cert;

/// <summary>
/// Writes a certificate and its private key as a .pfx, or as PEM certificate and key files,
/// readable by their owner only.
/// </summary>
internal static class CertificateWriter
{
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Write(X509Certificate2 certificate, string path, bool pem, bool overwrite)
    {
        if (!pem)
        {
            // No password: a throwaway certificate for local use, protected by its file mode instead.
            var pfx = new[] { (path, certificate.Export(X509ContentType.Pkcs12)) };
            return WriteAll(pfx, overwrite);
        }

        string keyPath = KeyPathFor(path);
        using var key = certificate.GetECDsaPrivateKey()!;
        var files = new[]
        {
            (path, System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n")),
            (keyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n")),
        };
        return WriteAll(files, overwrite);
    }

    /// <summary>The key of <c>dev.pem</c> is <c>dev.key</c>.</summary>
    public static string KeyPathFor(string certificatePath) => Path.ChangeExtension(certificatePath, ".key");

    private static string[] WriteAll((string Path, byte[] Content)[] files, bool overwrite)
    {
        // A private key: readable and writable by its owner only, from the moment it exists.
        OutputFiles.WriteAll(files, OutputFiles.Private, overwrite, "choose another file with -o");
        return [.. files.Select(f => f.Path)];
    }
}
