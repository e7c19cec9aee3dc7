namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>
/// Turns ssh's own error (exit code 255) into one line that names the host, the problem and the fix.
/// ssh's messages are stable across OpenSSH releases; anything unrecognised is quoted as it is.
/// </summary>
internal static class SshFailure
{
    public static string Describe(SshTarget target, string stderr, bool acceptNewHostKey)
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

        return $"{host}: ssh failed: {said}";
    }
}
