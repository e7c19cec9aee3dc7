using System.Net.Security;
using TlsHandshakeCallbackContext = Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackContext;

namespace AppHost.Certificates;

/// <summary><c>--cert</c>: one certificate for every name, kept current by its reloader.</summary>
internal sealed class FileCertificateSource(ServerCertificate initial, CertificateReloader reloader) : ICertificateSource
{
    /// <summary>The certificate the server started with, for the start-up report.</summary>
    public ServerCertificate Initial => initial;

    public IReadOnlyList<KeyValuePair<string, SslServerAuthenticationOptions>> Served => [new(reloader.Files.CertificatePath, reloader.Current)];

    public SslServerAuthenticationOptions Select(TlsHandshakeCallbackContext context) => reloader.Current;

    /// <summary>Loads the files again once they have been quiet for a moment (half a second).</summary>
    public void Reload() => reloader.ReloadSoon();

    public void OnListening(Microsoft.AspNetCore.Builder.WebApplication app, ServiceManager serviceManager, bool plainHttpListener, string listening) =>
        serviceManager.Notifier?.Ready(listening);

    /// <summary>Stops watching the files.</summary>
    public void Dispose() => reloader.Dispose();
}
