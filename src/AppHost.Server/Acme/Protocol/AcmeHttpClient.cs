using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Acme.Protocol;

/// <summary>
/// The HttpClient that talks to the CA. It verifies the CA's HTTPS certificate as usual; a PEM file of
/// extra roots (a private CA such as step-ca, or Pebble in tests) adds trust anchors and never turns
/// verification off.
/// </summary>
internal static class AcmeHttpClient
{
    /// <param name="extraRoots">Roots trusted besides the system's, or null for the system's alone. Owned by the client from now on.</param>
    public static HttpClient Create(X509Certificate2Collection? extraRoots) =>
        new(CreateHandler(extraRoots), disposeHandler: true)
        {
            // Every ACME request is one small message; 30 s covers a slow CA without hanging an order forever.
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestHeaders = { { "User-Agent", "AppHost-ACME/1" } }, // RFC 8555 §6.1: clients must send one
            // The largest ACME answer is a certificate chain, a few KB; 1 MiB bounds what a broken or hostile CA can make us hold.
            MaxResponseContentBufferSize = 1024 * 1024,
        };

    /// <summary>The handler <see cref="Create"/> uses, for tests that wrap it to watch the traffic.</summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection? extraRoots)
    {
        var handler = new SocketsHttpHandler
        {
            // A CA that does not accept a connection in 10 s is down; the caller's backoff tries later.
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Re-resolve the CA's name now and then: a CA behind a CDN moves, and the process lives for months.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
        };
        if (extraRoots is { Count: > 0 })
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Validate(certificate, chain, errors, extraRoots);
        }

        return handler;
    }

    /// <summary>Reads every CERTIFICATE block of a PEM file as a trust anchor.</summary>
    public static X509Certificate2Collection LoadRoots(string pemFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pemFile);
        if (roots.Count == 0)
        {
            throw new InvalidDataException($"'{pemFile}' holds no PEM CERTIFICATE block");
        }

        return roots;
    }

    private static bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true; // trusted by the system already
        }

        // A wrong host name or no certificate stays an error whatever the roots; only the chain is re-checked.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // Private CAs rarely run revocation services; the roots file is the trust decision.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
