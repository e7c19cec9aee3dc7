namespace AppHost;

/// <summary>Where the HTTPS certificate comes from. Holds paths only, never the password itself.</summary>
/// <param name="CertificatePath">A .pfx/.p12 file, or a PEM file with the certificate and its chain.</param>
/// <param name="KeyPath">The PEM private key of a PEM certificate; null when the key is inside the certificate file.</param>
/// <param name="PasswordFile">A file whose first line is the password of the .pfx or of an encrypted PEM key.</param>
public sealed record CertificateFiles(string CertificatePath, string? KeyPath, string? PasswordFile)
{
    /// <summary>The environment variable that may hold the password when there is no <see cref="PasswordFile"/>.</summary>
    /// <remarks>Defaults to null: no variable is read. <see cref="ServerCommand"/> sets it to the app's, for example <c>SHOP_CERT_PASSWORD</c>.</remarks>
    public string? PasswordVariable { get; init; }
}
