using System.Buffers;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// What the service's command line says about automatic HTTPS: the names, the contact and the CA.
/// Each value has passed the server's own syntax already (<see cref="ValueSyntax"/>); here they
/// are also checked to be writable into ExecStart= as they are.
/// </summary>
internal sealed record AcmeSettings
{
    // Letters, digits and the punctuation of DNS names, addresses and URLs; none means anything in a unit file ('%', '$', quotes, spaces, '\').
    private static readonly SearchValues<char> Plain =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_@:/+=~");

    private const string PlainText = "letters, digits and . - _ @ : / + = ~";

    private AcmeSettings(IReadOnlyList<string> domains, string? email, string? directory, string? caFile)
    {
        Domains = domains;
        Email = email;
        Directory = directory;
        CaFile = caFile;
    }

    /// <summary>The DNS names, in lower case, each once; empty when only the other ACME options were given, which <see cref="ServiceDefinition"/> refuses.</summary>
    public IReadOnlyList<string> Domains { get; }

    /// <summary>The account's contact address, or null.</summary>
    public string? Email { get; }

    /// <summary>The CA's directory URL, or null for the server's default (Let's Encrypt).</summary>
    public string? Directory { get; }

    /// <summary>PEM roots the server trusts for a private CA's HTTPS, on the server; <see cref="ServiceDefinition"/> checks the path.</summary>
    public string? CaFile { get; init; }

    /// <summary>True when a value other than the names was given.</summary>
    public bool HasAccountOrCaOptions => (Email ?? Directory ?? CaFile) is not null;

    /// <param name="domains">--acme-domain, each a DNS name in lower case (<see cref="ValueSyntax.AcmeDomain"/>).</param>
    /// <param name="email">--acme-email, valid for the server (<see cref="ValueSyntax.Email"/>).</param>
    /// <param name="directory">--acme-directory, valid for the server (<see cref="ValueSyntax.HttpsUrl"/>).</param>
    /// <param name="caFile">--acme-ca-file.</param>
    /// <returns>null when no ACME option was given.</returns>
    /// <exception cref="ArgumentException">A value that a unit file cannot hold as it is.</exception>
    public static AcmeSettings? Create(IReadOnlyList<string> domains, string? email, string? directory, string? caFile = null)
    {
        if (domains.Count == 0 && email is null && directory is null && caFile is null)
        {
            return null;
        }

        CheckPlain(OptionNames.AcmeEmail, email);
        CheckPlain(OptionNames.AcmeDirectory, directory);
        return new AcmeSettings([.. domains.Select(d => d.ToLowerInvariant()).Distinct(StringComparer.Ordinal)], email, directory, caFile);
    }

    // The server would take such a value; systemd would read more into it than is written.
    private static void CheckPlain(string option, string? value)
    {
        int bad = value is null ? -1 : value.AsSpan().IndexOfAnyExcept(Plain);
        if (bad >= 0)
        {
            throw new ArgumentException($"{option} '{value}' holds '{value![bad]}', which a unit file would not keep as written; use {PlainText} only");
        }
    }
}
