using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppHost.Files;

namespace AppHost.Certificates;

/// <summary>
/// Loads the HTTPS certificate from a .pfx/.p12 file or from PEM files, and refuses one the
/// server could not serve, each time with one line naming the file, the problem and the fix.
/// </summary>
internal static class CertificateLoader
{
    private const string PemMarker = "-----BEGIN ";
    private const string PemKeyMarker = "PRIVATE KEY-----";

    public static ServerCertificate Load(CertificateFiles files, DateTimeOffset now)
    {
        string? password = ReadPassword(files);
        byte[] content = SmallFile.Read(files.CertificatePath, "certificate", "--cert");
        var certificate = IsPem(content)
            ? LoadPem(files, Encoding.ASCII.GetString(content), password)
            : LoadPkcs12(files.CertificatePath, content, password, files.PasswordVariable);
        CheckDates(certificate.Leaf, files.CertificatePath, now);
        return certificate;
    }

    private static bool IsPem(byte[] content) =>
        content.AsSpan().IndexOf(Encoding.ASCII.GetBytes(PemMarker)) >= 0;

    private static bool IsPkcs12(byte[] content)
    {
        try
        {
            return X509Certificate2.GetCertContentType(content) == X509ContentType.Pkcs12;
        }
        catch (CryptographicException)
        {
            // Content that is no certificate format at all is refused here rather than recognised.
            return false;
        }
    }

    private static ServerCertificate LoadPkcs12(string path, byte[] content, string? password, string? variable)
    {
        if (!IsPkcs12(content))
        {
            throw new StartupException($"certificate '{path}' is neither a PKCS#12 (.pfx/.p12) nor a PEM file; convert it with openssl (openssl pkcs12 -export ...)");
        }

        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(content, password);
        }
        catch (CryptographicException e)
        {
            throw new StartupException(password is null
                ? $"certificate '{path}' is protected by a password; give it with {PasswordSources(variable)}"
                : $"certificate '{path}' could not be opened: the password is wrong; check {PasswordSources(variable)}", e);
        }

        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new StartupException($"certificate '{path}' has no private key; export it together with its key (openssl pkcs12 -export -in cert.pem -inkey key.pem -out {Path.GetFileName(path)})");
        var chain = new X509Certificate2Collection(all.Where(c => c != leaf).ToArray());
        return new ServerCertificate(leaf, chain);
    }

    private static ServerCertificate LoadPem(CertificateFiles files, string certificatePem, string? password)
    {
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw new StartupException($"certificate '{files.CertificatePath}' holds a damaged CERTIFICATE block; export it again", e);
        }

        if (all.Count == 0)
        {
            throw new StartupException($"'{files.CertificatePath}' holds no CERTIFICATE; pass the certificate with --cert and its key with --key");
        }

        // The first certificate of a PEM bundle is the server's own; the rest are its chain, in order.
        string keyPath = files.KeyPath ?? files.CertificatePath;
        string keyPem = files.KeyPath is null ? certificatePem : Encoding.ASCII.GetString(SmallFile.Read(files.KeyPath, "key", "--key"));
        if (!keyPem.Contains(PemKeyMarker, StringComparison.Ordinal))
        {
            throw new StartupException(files.KeyPath is null
                ? $"PEM certificate '{files.CertificatePath}' has no private key in it; pass its key file with --key FILE"
                : $"key file '{files.KeyPath}' holds no PEM private key; pass the key the certificate was issued with");
        }

        var leaf = PemKey.Attach(all[0], keyPem, keyPath, password, PasswordSources(files.PasswordVariable));
        if (OperatingSystem.IsWindows())
        {
            // Windows' TLS stack cannot use a key that lives only in memory; a PKCS#12 round trip stores it.
            leaf = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
        }

        var chain = new X509Certificate2Collection(all.Skip(1).ToArray());
        return new ServerCertificate(leaf, chain);
    }

    private static void CheckDates(X509Certificate2 leaf, string path, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        string validity = $"valid from {Format(notBefore)} to {Format(notAfter)}";
        if (now < notBefore)
        {
            throw new StartupException($"certificate '{path}' is not valid yet ({validity}); check this machine's clock or use a current certificate");
        }

        if (now > notAfter)
        {
            throw new StartupException($"certificate '{path}' expired on {Format(notAfter)} ({validity}); renew it");
        }
    }

    private static string Format(DateTimeOffset time) =>
        time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Where a password can come from, as an error message names them.</summary>
    private static string PasswordSources(string? variable) =>
        variable is null ? "--cert-password-file FILE" : $"--cert-password-file FILE or {variable}";

    private static string? ReadPassword(CertificateFiles files)
    {
        if (files.PasswordFile is not { } passwordFile)
        {
            return files.PasswordVariable is null ? null : Environment.GetEnvironmentVariable(files.PasswordVariable);
        }

        // The first line is the password; the newline an editor or `echo` adds is not part of it.
        string text = Encoding.UTF8.GetString(SmallFile.Read(passwordFile, "password file", "--cert-password-file"));
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
