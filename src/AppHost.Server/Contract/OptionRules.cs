namespace AppHost.Contract;

/// <summary>
/// The rules across the standard options, which no single value shows: the server checks its
/// command line with them, and apphost service the command line it writes.
/// </summary>
internal static class OptionRules
{
    /// <summary>What a command line chose, for the checks across options.</summary>
    /// <param name="Certificate">--cert was given.</param>
    /// <param name="CertificatePart">--key or --cert-password-file was given.</param>
    /// <param name="Acme">At least one --acme-domain was given.</param>
    /// <param name="AcmePart">--acme-email, --acme-directory or --acme-ca-file was given.</param>
    /// <param name="Port">--port.</param>
    /// <param name="HttpPort">--http-port, or null for no redirect listener.</param>
    /// <param name="ForwardedBy">At least one --forwarded-by was given.</param>
    /// <param name="ProxyProtocol">--proxy-protocol was given.</param>
    /// <param name="OtlpEndpoint">--otlp-endpoint was given.</param>
    /// <param name="OtlpHeaders">--otlp-headers-file was given.</param>
    public sealed record Choices(bool Certificate, bool CertificatePart, bool Acme, bool AcmePart, int Port, int? HttpPort, bool ForwardedBy = false, bool ProxyProtocol = false,
        bool OtlpEndpoint = false, bool OtlpHeaders = false);

    /// <returns>The first problem, in one line that says the fix; null when the options agree.</returns>
    public static string? FindProblem(Choices chosen)
    {
        if (!chosen.Certificate && chosen.CertificatePart)
        {
            return $"{OptionNames.Key} and {OptionNames.CertPasswordFile} belong to a certificate: add {OptionNames.Cert} FILE";
        }

        if (chosen.Acme && chosen.Certificate)
        {
            return $"{OptionNames.AcmeDomain} gets the certificate from an ACME CA and {OptionNames.Cert} names a file: use one of them";
        }

        if (!chosen.Acme && chosen.AcmePart)
        {
            return $"{OptionNames.AcmeEmail}, {OptionNames.AcmeDirectory} and {OptionNames.AcmeCaFile} belong to automatic HTTPS: add {OptionNames.AcmeDomain} NAME";
        }

        if (chosen.HttpPort is int redirect && !chosen.Certificate && !chosen.Acme)
        {
            return $"{OptionNames.HttpPort} {redirect} redirects to HTTPS, which needs a certificate: add {OptionNames.Cert} FILE or {OptionNames.AcmeDomain} NAME, or leave out {OptionNames.HttpPort}";
        }

        // Port 0 picks a free port, different for each listener.
        if (chosen.HttpPort is int same and not 0 && same == chosen.Port)
        {
            return $"{OptionNames.HttpPort} {same} is also {OptionNames.Port}; choose another port for the redirect";
        }

        if (chosen.ProxyProtocol && !chosen.ForwardedBy)
        {
            return $"{OptionNames.ProxyProtocol} takes each client's address from the balancer's PROXY header, believed only from the balancers named: add {OptionNames.ForwardedBy} ADDRESS";
        }

        if (chosen.OtlpHeaders && !chosen.OtlpEndpoint)
        {
            return $"{OptionNames.OtlpHeadersFile} holds headers for OTLP pushes: add {OptionNames.OtlpEndpoint} URL";
        }

        return null;
    }
}
