using System.Net.Security;
using System.Security.Authentication;
using AppHost.Acme.Challenges;
using AppHost.Certificates;
using TlsHandshakeCallbackContext = Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackContext;

namespace AppHost.Acme;

/// <summary>
/// ACME: a certificate per SNI name, and the TLS-ALPN-01 answers while an order is pending.
/// </summary>
/// <param name="select">The certificate for an SNI name (null: none yet, the handshake is refused).</param>
/// <param name="challenges">The challenges the orders put up.</param>
/// <param name="certificates">The renewals behind <paramref name="select"/>, stopped on dispose; null when there are none (tests of the handshake path).</param>
internal sealed class AutomaticCertificateSource(
    Func<string?, SslServerAuthenticationOptions?> select,
    PendingChallenges challenges,
    AutomaticCertificates? certificates = null) : ICertificateSource
{
    private readonly TlsAlpn01Responder _tlsAlpn01 = new(challenges);

    /// <summary>Serves what <paramref name="certificates"/> obtains, and answers its challenges.</summary>
    public AutomaticCertificateSource(AutomaticCertificates certificates)
        : this(certificates.Select, certificates.Challenges, certificates)
    {
    }

    public PendingChallenges Challenges => challenges;

    /// <summary>ACME's certificates, for the start-up report; null without renewals.</summary>
    public AutomaticCertificates? Certificates => certificates;

    public IReadOnlyList<KeyValuePair<string, SslServerAuthenticationOptions>> Served => certificates?.Served ?? [];

    public SslServerAuthenticationOptions Select(TlsHandshakeCallbackContext context)
    {
        if (_tlsAlpn01.Answer(context) is { } challenge)
        {
            return challenge.Options;
        }

        string? name = context.ClientHelloInfo.ServerName is { Length: > 0 } sni ? sni : null;
        return select(name)
            ?? throw new AuthenticationException($"no certificate for '{name}': not one of the --acme-domain names, or not issued yet; the TLS handshake is refused");
    }

    /// <summary>Nothing to load: ACME's certificates are renewed in the background, not read from files.</summary>
    public void Reload()
    {
    }

    /// <summary>READY to systemd, with the names still waiting for their certificate; then the orders and renewals start.</summary>
    public void OnListening(Microsoft.AspNetCore.Builder.WebApplication app, ServiceManager serviceManager, bool plainHttpListener, string listening)
    {
        if (certificates is null)
        {
            serviceManager.Notifier?.Ready(listening);
            return;
        }

        // systemctl status shows which names still wait for their certificate, until none does.
        string Status() => certificates.Waiting is { Count: > 0 } waiting ? $"{listening}; ordering the certificate of {string.Join(", ", waiting)}" : listening;
        serviceManager.Notifier?.Ready(Status());
        // Orders start now that the listeners exist, so the CA's checks reach them; HTTP-01 needs the plain one.
        certificates.StartRenewing(plainHttpListener, () => serviceManager.Notifier?.Status(Status()));
        // No order while the listeners it is validated through drain and close.
        app.Lifetime.ApplicationStopping.Register(certificates.StopRenewing);
    }

    /// <summary>Stops the renewals.</summary>
    public void Dispose() => certificates?.Dispose();
}
