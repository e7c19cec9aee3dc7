using System.Net.Security;
using AppHost.Listening;

namespace AppHost.Certificates;

/// <summary>
/// Keeps the certificate current without a restart: when its files change (certbot and
/// cert-manager replace them by atomic rename or symlink swap) or when asked (SIGHUP), it loads them again.
/// New handshakes get the new certificate; open connections keep theirs. A new file that does not
/// load is logged as an error and the certificate in service stays.
/// </summary>
internal sealed class CertificateReloader : IDisposable
{
    // Renewal tools write the certificate, chain and key one after another; reloading once they
    // have been quiet this long avoids pairing a new certificate with the old key in between.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private readonly CertificateFiles _files;
    private readonly Serilog.ILogger _log;
    private readonly IReadOnlyList<FileSystemWatcher> _watchers;
    private readonly Timer _debounce;
    private volatile SslServerAuthenticationOptions _current;
    private string _fingerprint;

    public CertificateReloader(CertificateFiles files, ServerCertificate initial, Serilog.ILogger log)
    {
        _files = files;
        _log = log;
        _current = TlsSettings.CreateOptions(initial);
        _fingerprint = initial.Fingerprint;
        _debounce = new Timer(_ => Reload());

        _watchers = CertificateFolderWatcher.Watch([files.CertificatePath, files.KeyPath, files.PasswordFile], _ => ReloadSoon());
    }

    /// <summary>The files it loads.</summary>
    public CertificateFiles Files => _files;

    /// <summary>What new TLS handshakes are served with.</summary>
    public SslServerAuthenticationOptions Current => _current;

    /// <summary>Loads the files again once they have been quiet for a moment; file changes and SIGHUP ask for this.</summary>
    public void ReloadSoon() => _debounce.Change(Quiet, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _debounce.Dispose();
    }

    private void Reload()
    {
        try
        {
            var certificate = CertificateLoader.Load(_files, DateTimeOffset.UtcNow);
            if (certificate.Fingerprint == _fingerprint)
            {
                return;
            }

            _current = TlsSettings.CreateOptions(certificate);
            _fingerprint = certificate.Fingerprint;
            _log.Information("Certificate reloaded: {Subject:l}, SHA-256 {Fingerprint:l}, expires {NotAfter:yyyy-MM-dd}",
                certificate.Leaf.Subject, certificate.Fingerprint, certificate.Leaf.NotAfter.ToUniversalTime());
        }
        catch (StartupException e)
        {
            _log.Error("Certificate not reloaded, the one in service stays: {Problem:l}", e.Message);
        }
    }
}
