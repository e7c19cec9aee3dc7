using System.Text.RegularExpressions;

namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>
/// Turns ssh's own error (exit code 255) into one line that names the host, the problem and the fix.
/// ssh's messages are stable across OpenSSH releases; anything unrecognised is quoted as it is.
/// </summary>
internal static partial class SshFailure
{
    /// <param name="attempts">How many connections were tried, when the host closed each before the login.</param>
    public static string Describe(SshTarget target, string stderr, bool acceptNewHostKey, int attempts = 1)
    {
        string host = target.Text;
        string said = stderr.Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()).LastOrDefault(line => line.Length > 0) ?? "no message";
        if (stderr.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
        {
            return $"{host}: its host key has changed since it was recorded in known_hosts; if the server was really reinstalled, check the new key and remove the old one with ssh-keygen -R {target.Host}";
        }

        if (stderr.Contains("Host key verification failed", StringComparison.Ordinal) || stderr.Contains("host key is known", StringComparison.Ordinal))
        {
            return acceptNewHostKey
                ? $"{host}: its host key could not be verified ({said})"
                : $"{host}: its host key is not in known_hosts; check the key's fingerprint with the server's owner, then connect once with ssh {target.Host} or rerun with --accept-new-host-key";
        }

        if (stderr.Contains("Could not resolve hostname", StringComparison.Ordinal))
        {
            return $"{host}: no such host ('{target.Host}' is neither a known name nor an alias of the ssh config); check the spelling or add a Host entry to ~/.ssh/config";
        }

        if (stderr.Contains("Permission denied", StringComparison.Ordinal))
        {
            return $"{host}: ssh refused the login ({said}); add your key to the agent (ssh-add) or name it with IdentityFile in the ssh config";
        }

        if (stderr.Contains("Connection refused", StringComparison.Ordinal) || stderr.Contains("timed out", StringComparison.Ordinal)
            || stderr.Contains("No route to host", StringComparison.Ordinal) || stderr.Contains("Network is unreachable", StringComparison.Ordinal))
        {
            return $"{host}: unreachable ({said}); check the address, the port and that sshd runs there";
        }

        if (ClosedBeforeLogin(stderr))
        {
            string tries = attempts > 1 ? $", on each of {attempts} tries" : "";
            return $"{host}: the host closed the ssh connection before the login{tries} ({said}); its sshd log says why (journalctl -u ssh there): sshd's MaxStartups, a firewall or fail2ban may be turning this machine away";
        }

        return $"{host}: ssh failed: {said}";
    }

    /// <summary>
    /// Whether ssh says the host closed or reset the connection before the login: during the
    /// identification or key exchange, or the authentication. A session the host ends later is
    /// "Connection to HOST closed by remote host.", which this does not match.
    /// </summary>
    public static bool ClosedBeforeLogin(string stderr) =>
        stderr.Contains("kex_exchange_identification:", StringComparison.Ordinal) || ClosedOrResetByPeer().IsMatch(stderr);

    // OpenSSH's words for a connection closed under it (packet.c, sshpkt_fatal): "Connection closed
    // by 192.0.2.10 port 22", or "reset" for a TCP reset.
    [GeneratedRegex(@"^Connection (closed|reset) by \S+ port \d+\r?$", RegexOptions.Multiline)]
    private static partial Regex ClosedOrResetByPeer();
}
