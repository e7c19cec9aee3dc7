using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Server.Tests.Acme;

/// <summary>One TLS connection to a loopback port with a chosen SNI name and ALPN list, accepting any certificate so the test can inspect it.</summary>
internal sealed class AcmeTlsClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;

    private AcmeTlsClient(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        Tls = tls;
    }

    public SslStream Tls { get; }

    public X509Certificate2 Certificate => (X509Certificate2)Tls.RemoteCertificate!;

    public static async Task<AcmeTlsClient> ConnectAsync(int port, string serverName, List<SslApplicationProtocol> protocols,
        SslProtocols version = SslProtocols.None, Func<Stream, Stream>? wrap = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var tls = new SslStream(wrap is null ? tcp.GetStream() : wrap(tcp.GetStream()));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                ApplicationProtocols = protocols,
                EnabledSslProtocols = version,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
            return new AcmeTlsClient(tcp, tls);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        _tcp.Dispose();
    }
}
