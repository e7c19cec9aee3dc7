using System.Net.Security;
using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>A connection to a host's own server through the ssh connection (ssh -W to its loopback), with TLS when it serves HTTPS.</summary>
internal static class ServerTunnel
{
    /// <summary>Connects, and for HTTPS completes a handshake for <see cref="HealthTarget.HostName"/>; the stream owns the tunnel.</summary>
    public static async Task<Stream> OpenAsync(SshSession ssh, HealthTarget target, CancellationToken cancel)
    {
        Stream tunnel = new ProcessStream(ssh.StartTunnel(target.Port));
        if (!target.Https)
        {
            return tunnel;
        }

        var tls = new SslStream(tunnel);
        try
        {
            // This asks whether this host's server answers and what it serves, not who it is: the connection runs
            // inside ssh's, which verified the host's key, and the certificate may be self-signed or not issued yet.
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.HostName,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, cancel);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
