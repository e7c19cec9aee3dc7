using System.Collections.ObjectModel;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Certificates;

/// <summary>
/// Builds what TLS handshakes are served from, without loading the system's trust store.
/// </summary>
/// <remarks>
/// The public <see cref="SslStreamCertificateContext.Create(X509Certificate2, X509Certificate2Collection?, bool, SslCertificateTrust?)"/>
/// builds an X509Chain only to find the intermediates to send, and on Linux that parses every CA
/// certificate of the system (about 290 on Debian): 60-90 ms of CPU, most of an HTTPS start-up. A
/// server already has its intermediates from its certificate file, so this calls the constructor
/// that Create itself ends with, giving it those intermediates. Security is unchanged: a server
/// never trusts its own chain, it only sends it; clients verify it as before.
/// The constructor is private, so this is tied to the runtime the native file is built with: if
/// a future runtime changes it, <see cref="Create"/> falls back to the public path (slower, same
/// result) and the test CertificateContextFactoryTests fails, so the change is seen at once.
/// </remarks>
internal static class CertificateContextFactory
{
    public static SslStreamCertificateContext Create(X509Certificate2 leaf, X509Certificate2Collection chain)
    {
        try
        {
            return CreateDirect(leaf, chain);
        }
        catch (MissingMethodException)
        {
            // offline: intermediates missing from the file are not fetched from the issuer's server.
            return SslStreamCertificateContext.Create(leaf, chain, offline: true);
        }
    }

    /// <summary>The fast path alone; throws <see cref="MissingMethodException"/> where the runtime lacks it.</summary>
    internal static SslStreamCertificateContext CreateDirect(X509Certificate2 leaf, X509Certificate2Collection chain)
    {
        // Clients hold the roots they trust; sending one is wasted bytes, so self-signed certificates are left out.
        var intermediates = chain.Where(c => !c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToList();
        return NewContext(leaf, new ReadOnlyCollection<X509Certificate2>(intermediates), trust: null);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern SslStreamCertificateContext NewContext(
        X509Certificate2 target, ReadOnlyCollection<X509Certificate2> intermediates, SslCertificateTrust? trust);
}
