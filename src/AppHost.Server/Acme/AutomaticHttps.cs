using AppHost.Acme;
using AppHost.Acme.Protocol;
using AppHost.Acme.Renewal;
using AppHost.Certificates;

namespace AppHost;

/// <summary>
/// Automatic HTTPS: the server gets its certificates from an ACME CA (RFC 8555) such as Let's
/// Encrypt and renews them itself, as Caddy does. It answers the CA's checks on its own listeners:
/// TLS-ALPN-01 on the HTTPS port, and HTTP-01 on the plain HTTP port when there is one
/// (<see cref="AcmeHttpChallenge.UseAcmeHttpChallenge"/>).
/// </summary>
public static class AutomaticHttps
{
    /// <summary>
    /// Checks the state folder and the CA file, and serves the certificates stored there at once.
    /// Names without one are ordered in the background once the server listens
    /// (<see cref="ServerRun.RunUntilStoppedAsync"/>); until then their handshakes are refused, and
    /// nothing else waits. Renewal runs in the background too: when a third of a certificate's life
    /// is left, or when the CA's renewal information (ARI) says. A failed order or renewal is logged
    /// at Error with the CA's problem and retried later; the certificate in service stays.
    /// </summary>
    /// <param name="options">The server's options; <see cref="ServerOptions.Acme"/> must be set.</param>
    /// <param name="log">Where orders, renewals and their failures are reported.</param>
    /// <returns>The certificates in service, for <see cref="Listeners.ListenAppHost"/>.</returns>
    /// <exception cref="StartupException">The state folder is not writable, or the CA file cannot be read.</exception>
    public static ServerTls Start(ServerOptions options, Serilog.ILogger log)
    {
        var acme = options.Acme ?? throw new ArgumentException("ServerOptions.Acme is not set: give --acme-domain", nameof(options));
        string root = StateFolder.Root(options.AppName, acme.StateDirectory, Environment.GetEnvironmentVariable);
        string folder = StateFolder.Create(StateFolder.ForDirectory(root, acme.Directory));
        // A service often has no home (systemd's DynamicUser=, as `apphost service` writes it), which
        // .NET's TLS client needs; the state folder, this user's own, stands in for its certificate stores.
        if (CertificateStoreHome.Ensure(root))
        {
            log.Debug("ACME: no home directory; .NET's certificate stores are under {Folder:l}", root);
        }

        var store = new CertificateStore(folder);
        var certificates = new AutomaticCertificates(acme, store, AcmeHttpClient.Create(TrustedRoots(acme)), log);
        foreach (string name in acme.Domains)
        {
            ServerCertificate? stored;
            try
            {
                stored = store.Load(name);
            }
            catch (StartupException e)
            {
                // A damaged file (a crash between writing the key and the chain, say) counts as none: a new order replaces it.
                log.Warning("ACME: the stored certificate for {Name:l} cannot be served ({Problem:l}); ordering a new one", name, e.Message);
                stored = null;
            }

            if (stored is not null && stored.Leaf.NotAfter.ToUniversalTime() > DateTime.UtcNow)
            {
                certificates.Serve(name, stored);
                log.Information("ACME: serving the stored certificate for {Name:l}, expires {NotAfter:yyyy-MM-dd HH:mm:ss}Z", name, stored.Leaf.NotAfter.ToUniversalTime());
            }
        }

        return new ServerTls(new AutomaticCertificateSource(certificates));
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedRoots(AcmeOptions acme)
    {
        if (acme.CaFile is not { } file)
        {
            return null;
        }

        try
        {
            return AcmeHttpClient.LoadRoots(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            throw new StartupException($"--acme-ca-file '{file}' cannot be read as PEM certificates ({e.Message}); give the CA's root certificate in PEM", e);
        }
    }
}
