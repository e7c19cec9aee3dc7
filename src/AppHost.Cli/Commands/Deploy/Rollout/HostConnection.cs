using System.Diagnostics;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>One host of a run: its ssh session, what the probe found there, and the deploy lock once held.</summary>
internal sealed class HostConnection : IAsyncDisposable
{
    private Process? _lock;

    private HostConnection(SshSession ssh, HostScripts scripts, HostFacts facts)
    {
        Ssh = ssh;
        Scripts = scripts;
        Facts = facts;
    }

    public SshSession Ssh { get; }

    public HostScripts Scripts { get; }

    public HostFacts Facts { get; }

    public string Name => Ssh.Target.Text;

    /// <summary>How long the connection and the probe took, for the log.</summary>
    public TimeSpan ConnectTime { get; set; }

    /// <summary>Connects (the master connection every later command shares) and probes the host.</summary>
    /// <exception cref="CliException">ssh failed, or the probe did not run; the message names the host.</exception>
    public static async Task<HostConnection> OpenAsync(SshSession ssh, HostScripts scripts, CancellationToken cancel)
    {
        var probe = await ssh.RunUnprivilegedAsync(scripts.Probe(), cancel);
        if (!probe.Succeeded)
        {
            throw new CliException(ExitCodes.HostRefused, $"{ssh.Target.Text}: the probe failed: {probe.LastLine}");
        }

        var facts = HostFacts.Parse(probe.Output);
        ssh.Sudo = facts.IsRoot ? "" : "sudo -n ";
        return new HostConnection(ssh, scripts, facts);
    }

    /// <summary>Takes the host's deploy lock, held until this connection is disposed (or this process dies, which closes ssh).</summary>
    /// <returns>Null once held; else who holds it and since when.</returns>
    public async Task<string?> LockAsync(string holder, CancellationToken cancel)
    {
        _lock = Ssh.StartHeld(Scripts.HoldLock(holder));
        string? line = await _lock.StandardOutput.ReadLineAsync(cancel);
        if (line == "locked")
        {
            return null;
        }

        string error = await _lock.StandardError.ReadToEndAsync(cancel);
        await ReleaseLockAsync();
        return line is not null && line.StartsWith("held", StringComparison.Ordinal)
            ? $"another deploy or rollback is running there ({(line.Length > 5 ? line[5..] : "started by an unknown user")}); wait for it to finish (its lock ends with its ssh connection)"
            : $"the deploy lock could not be taken: {error.Trim()}";
    }

    /// <summary>Runs a script as root; a failure becomes <see cref="StepFailedException"/> with the script's last line.</summary>
    public async Task<RemoteRun> RunAsync(string script, string step, CancellationToken cancel)
    {
        var run = await Ssh.RunScriptAsync(script, cancel);
        return run.Succeeded ? run : throw new StepFailedException($"{step} failed: {run.LastLine}");
    }

    /// <summary>Restarts the service; systemctl returns once the new process said READY=1, or failed to.</summary>
    public async Task RestartAsync(CancellationToken cancel)
    {
        // systemctl's own message only points at the journal, whose lines the failure shows anyway.
        if (!(await Ssh.RunScriptAsync(Scripts.Restart(), cancel)).Succeeded)
        {
            throw new StepFailedException("the service did not start: it exited or never reported ready");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseLockAsync();
        await Ssh.DisposeAsync();
    }

    private async Task ReleaseLockAsync()
    {
        if (_lock is null)
        {
            return;
        }

        // The host's side ends when its stdin closes, and with it the lock.
        _lock.StandardInput.Close();
        await _lock.WaitForExitAsync();
        _lock.Dispose();
        _lock = null;
    }
}
