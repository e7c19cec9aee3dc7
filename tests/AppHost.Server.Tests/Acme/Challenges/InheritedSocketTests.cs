using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AppHost.Acme;
using AppHost.Acme.Challenges;
using AppHost.Certificates;
using AppHost.Listening;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Systemd;

namespace AppHost.Server.Tests.Acme.Challenges;

/// <summary>TLS-ALPN-01 on an HTTPS socket systemd passed in, as on one the server bound itself.</summary>
public sealed class InheritedSocketTests
{
    private const string KeyAuthorization = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    [Fact]
    public async Task ValidatorIsAnsweredOnASocketFromSystemd()
    {
        using var certificates = new TestCertificates();
        var site = TlsSettings.CreateOptions(new ServerCertificate(certificates.Certificate, []));
        var challenges = new PendingChallenges();
        challenges.AddTlsAlpn01("acme.test", KeyAuthorization);
        using var tls = new ServerTls(new AutomaticCertificateSource(_ => site, challenges));

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        // Kestrel takes ownership of the descriptor it is given, so it gets a copy, as a process gets systemd's.
        int descriptor = Dup((int)listener.Handle);
        Assert.True(descriptor >= 0, $"dup failed: {Marshal.GetLastPInvokeError()}");
        using var systemd = new ServiceManager([new InheritedSocket(descriptor, "https")], notifier: null);
        await using var app = await InProcessServer.StartAsync(tls, serviceManager: systemd, port: port);

        await using var validator = await TlsConnection.ConnectAsync(port, "acme.test", [new SslApplicationProtocol("acme-tls/1")]);
        TlsAlpn01Tests.AssertChallengeCertificate(validator.Certificate, "acme.test", KeyAuthorization);
        await using var browser = await TlsConnection.ConnectAsync(port, "acme.test", [SslApplicationProtocol.Http2]);
        Assert.Equal(certificates.Certificate.Thumbprint, browser.Certificate.Thumbprint);
    }

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int descriptor);
}
