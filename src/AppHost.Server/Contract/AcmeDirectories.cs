namespace AppHost.Contract;

/// <summary>The directory URLs of the ACME CAs the server and the apphost tool name.</summary>
internal static class AcmeDirectories
{
    /// <summary>Let's Encrypt's production CA.</summary>
    public const string LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory";

    /// <summary>Let's Encrypt's staging CA, for trying a set-up out.</summary>
    public const string LetsEncryptStaging = "https://acme-staging-v02.api.letsencrypt.org/directory";
}
