using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// The end of validity of the certificate a host's server presents, asked through the ssh connection: the
/// one served, whether from --cert or from an ACME CA, with no openssl needed on the host.
/// </summary>
internal static class ServedCertificate
{
    // One tunnel and one handshake; a server that has not answered in this long is reported as not serving.
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <returns>The leaf's notAfter in UTC, or null when the server does not serve HTTPS or did not complete a handshake.</returns>
    public static async Task<DateTime?> NotAfterAsync(SshSession ssh, HealthTarget target, CancellationToken cancel)
    {
        if (!target.Https)
        {
            return null;
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        attempt.CancelAfter(HandshakeTimeout);
        try
        {
            await using var stream = await ServerTunnel.OpenAsync(ssh, target, attempt.Token);
            return stream is SslStream { RemoteCertificate: X509Certificate2 leaf } ? leaf.NotAfter.ToUniversalTime() : null;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return null;
        }
    }
}
