using System.Buffers;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// What the service's command line says about automatic HTTPS: the names, the contact and the CA,
/// checked so that each can be written into ExecStart= as it is.
/// </summary>
internal sealed record AcmeSettings
{
    // Letters, digits and the punctuation of DNS names, addresses and URLs; none means anything in a unit file ('%', '$', quotes, spaces, '\').
    private static readonly SearchValues<char> Plain =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_@:/+=~");

    private AcmeSettings(IReadOnlyList<string> domains, string? email, string? directory, string? caFile)
    {
        Domains = domains;
        Email = email;
        Directory = directory;
        CaFile = caFile;
    }

    /// <summary>The DNS names, in lower case, each once.</summary>
    public IReadOnlyList<string> Domains { get; }

    /// <summary>The account's contact address, or null.</summary>
    public string? Email { get; }

    /// <summary>The CA's directory URL, or null for the server's default (Let's Encrypt).</summary>
    public string? Directory { get; }

    /// <summary>PEM roots the server trusts for a private CA's HTTPS, on the server; <see cref="ServiceDefinition"/> checks the path.</summary>
    public string? CaFile { get; init; }

    /// <returns>null when no domain was given (no ACME).</returns>
    /// <exception cref="ArgumentException">A value the server would refuse, or that a unit file cannot hold as it is.</exception>
    public static AcmeSettings? Create(IReadOnlyList<string> domains, string? email, string? directory, string? caFile = null)
    {
        if (domains.Count == 0)
        {
            return email is null && directory is null && caFile is null ? null
                : throw new ArgumentException("--acme-email, --acme-directory and --acme-ca-file belong to automatic HTTPS: add --acme-domain NAME");
        }

        foreach (string domain in domains)
        {
            if (domain.Length > 253 || domain.StartsWith("*.", StringComparison.Ordinal) || System.Net.IPAddress.TryParse(domain, out _)
                || Uri.CheckHostName(domain) != UriHostNameType.Dns || domain.AsSpan().IndexOfAnyExcept(Plain) >= 0)
            {
                throw new ArgumentException($"--acme-domain '{domain}' is not valid: expected a DNS name such as example.com (not an IP address or a wildcard, which HTTP-01 and TLS-ALPN-01 cannot prove)");
            }
        }

        // The server's own check (ValueSyntax.Email) also refuses '/', '?' and '&', which a mailto: URI would need escaped.
        if (email is not null && (email.Count(c => c == '@') != 1 || email.StartsWith('@') || email.EndsWith('@') || email.AsSpan().IndexOfAnyExcept(Plain) >= 0
            || email.AsSpan().IndexOfAny("/?&") >= 0))
        {
            throw new ArgumentException($"--acme-email '{email}' is not valid: expected an e-mail address such as admin@example.com");
        }

        if (directory is not null && (!Uri.TryCreate(directory, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || directory.AsSpan().IndexOfAnyExcept(Plain) >= 0))
        {
            throw new ArgumentException($"--acme-directory '{directory}' is not valid: expected an https:// URL such as https://acme-staging-v02.api.letsencrypt.org/directory");
        }

        return new AcmeSettings([.. domains.Select(d => d.ToLowerInvariant()).Distinct(StringComparer.Ordinal)], email, directory, caFile);
    }
}
