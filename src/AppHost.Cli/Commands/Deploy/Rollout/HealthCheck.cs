using System.Text;
using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// Asks the host's own server for /healthz through the ssh connection (ssh -W to its loopback), so
/// it needs no open port, firewall rule or curl on the host, until it answers 200 or time runs out.
/// </summary>
internal static class HealthCheck
{
    // Between attempts: a server that just said READY answers at once; one still getting an ACME certificate needs seconds.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    // One attempt: the tunnel, a TLS handshake and one small response.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <exception cref="StepFailedException">/healthz did not answer 200 in time; the message says what the last attempt got.</exception>
    public static async Task RequireAsync(SshSession ssh, HealthTarget target, TimeSpan timeout, CancellationToken cancel)
    {
        if (await WaitAsync(ssh, target, timeout, cancel) is { } problem)
        {
            throw new StepFailedException(problem);
        }
    }

    /// <returns>Null once /healthz answered 200; else what the last attempt got.</returns>
    private static async Task<string?> WaitAsync(SshSession ssh, HealthTarget target, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        string problem;
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            attempt.CancelAfter(AttemptTimeout);
            try
            {
                string status = await GetStatusLineAsync(ssh, target, attempt.Token);
                if (status.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
                {
                    return null;
                }

                problem = $"/healthz answered {(status.Length == 0 ? "nothing" : status)}";
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
            {
                problem = $"/healthz did not answer ({e.Message})";
            }

            if (DateTime.UtcNow + Pause > deadline)
            {
                return $"{problem} for {timeout.TotalSeconds:F0} s";
            }

            await Task.Delay(Pause, cancel);
        }
    }

    private static async Task<string> GetStatusLineAsync(SshSession ssh, HealthTarget target, CancellationToken cancel)
    {
        await using var stream = await ServerTunnel.OpenAsync(ssh, target, cancel);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {target.HostName}\r\nConnection: close\r\nUser-Agent: apphost-deploy\r\n\r\n"), cancel);
        await stream.FlushAsync(cancel);
        var line = new StringBuilder();
        var one = new byte[1];
        // The status line alone; a server's is far shorter than this bound.
        while (line.Length < 256 && await stream.ReadAsync(one, cancel) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString().TrimEnd('\r');
    }
}
