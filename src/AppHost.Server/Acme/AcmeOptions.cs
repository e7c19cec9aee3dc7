namespace AppHost;

/// <summary>
/// Automatic HTTPS: the names to get certificates for from an ACME CA (RFC 8555) such as Let's
/// Encrypt, and where the account and certificates are kept. Set by <c>--acme-domain</c> and the
/// other <c>--acme-*</c> options; <see cref="AutomaticHttps.Start"/> acts on it.
/// </summary>
public sealed record AcmeOptions
{
    /// <summary>Let's Encrypt's production CA: trusted by browsers, with rate limits (50 certificates per domain a week).</summary>
    public static readonly Uri LetsEncrypt = new(Contract.AcmeDirectories.LetsEncrypt);

    /// <summary>Let's Encrypt's staging CA: untrusted certificates, generous limits; for trying a set-up out.</summary>
    public static readonly Uri LetsEncryptStaging = new(Contract.AcmeDirectories.LetsEncryptStaging);

    /// <summary>The DNS names to get certificates for, one certificate each; the first is served to clients that send no name.</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>A contact address for the account, where the CA sends expiry and policy mail.</summary>
    /// <remarks>Defaults to null: no contact.</remarks>
    public string? Email { get; init; }

    /// <summary>The CA's directory URL.</summary>
    /// <remarks>Defaults to <see cref="LetsEncrypt"/>.</remarks>
    public Uri Directory { get; init; } = LetsEncrypt;

    /// <summary>PEM certificates trusted, besides the system's, for the directory's own HTTPS: for a private CA such as step-ca, or Pebble in tests.</summary>
    /// <remarks>Defaults to null: the system's trust only. Never turns certificate checks off.</remarks>
    public string? CaFile { get; init; }

    /// <summary>Where the account key, certificates and keys are kept (folders 0700, files 0600).</summary>
    /// <remarks>Defaults to null: <c>$STATE_DIRECTORY</c> under systemd (<c>StateDirectory=</c>), else <c>$XDG_STATE_HOME/NAME</c> or <c>~/.local/state/NAME</c>.</remarks>
    public string? StateDirectory { get; init; }
}
