using System.Diagnostics;
using System.Globalization;
using System.Text;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>
/// Commands on one host through the system's OpenSSH client, which brings the user's config, agent
/// and known_hosts. The first command opens a master connection and every later one (and the health
/// check's tunnel) rides on it, so a host costs one TCP connection and one key exchange per run.
/// Scripts go to the host's <c>sh</c> through stdin, never on its command line, where <c>ps</c> would show them.
/// </summary>
internal sealed class SshSession : IAsyncDisposable
{
    // Long enough for a slow link's key exchange, short enough that a dead host fails the preflight quickly.
    private const int ConnectTimeoutSeconds = 10;

    // The master outlives the commands by this much, and is closed outright by DisposeAsync; the
    // bound only matters if this tool is killed before it can close it.
    private const int ControlPersistSeconds = 60;

    // ssh's own failure; a remote command's exit codes here stay below it.
    private const int SshOwnFailure = 255;

    // A host that closes a new connection before the login is asked again after these waits (three
    // connections in all, 3 s). sshd closes some new connections while many others are waiting to log
    // in (MaxStartups, 10 by default), as on a server open to the internet's password guessing; those
    // others log in or are dropped within seconds.
    private static readonly TimeSpan[] ReconnectWaits = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    private readonly SshSettings _settings;
    private readonly string _controlPath;

    public SshSession(SshTarget target, SshSettings settings, string controlPath)
    {
        Target = target;
        _settings = settings;
        _controlPath = controlPath;
    }

    public SshTarget Target { get; }

    /// <summary>Prefix of a command that needs root: empty for root, <c>sudo -n</c> for a user with passwordless sudo.</summary>
    public string Sudo { get; set; } = "";

    /// <summary>Runs a script as root on the host; its standard input is the script itself.</summary>
    /// <exception cref="CliException">ssh itself failed: the host is unreachable, unknown or refused the login.</exception>
    public Task<RemoteRun> RunScriptAsync(string script, CancellationToken cancel) =>
        RunAsync($"{Sudo}sh -s", new MemoryStream(Encoding.UTF8.GetBytes(script)), cancel);

    /// <summary>Runs a short script as root with <paramref name="input"/> as its standard input (a file being uploaded).</summary>
    public Task<RemoteRun> RunWithInputAsync(string script, Stream input, CancellationToken cancel) =>
        RunAsync($"{Sudo}sh -c {Shell.Quote(script)}", input, cancel);

    /// <summary>How many connections the first command took: more than one when the host closed one before the login.</summary>
    public int LoginAttempts { get; private set; }

    /// <summary>
    /// Runs a command without root: the probe, before it knows whether sudo is needed. Being the
    /// first command, it opens the master connection, and a connection the host closes before the
    /// login is tried again after <see cref="ReconnectWaits"/>: nothing has run on the host then.
    /// </summary>
    public async Task<RemoteRun> RunUnprivilegedAsync(string script, CancellationToken cancel)
    {
        for (LoginAttempts = 1; ; LoginAttempts++)
        {
            var run = await RunUncheckedAsync("sh -s", new MemoryStream(Encoding.UTF8.GetBytes(script)), cancel);
            if (run.ExitCode != SshOwnFailure || !SshFailure.ClosedBeforeLogin(run.Error) || LoginAttempts > ReconnectWaits.Length)
            {
                return Checked(run);
            }

            await Task.Delay(ReconnectWaits[LoginAttempts - 1], cancel);
        }
    }

    /// <summary>
    /// Starts a command that keeps running with its standard input open: the deploy lock, held by the
    /// host for as long as this process keeps the command's stdin open (and dropped when it dies).
    /// </summary>
    public Process StartHeld(string script) => Start([.. BaseArguments(), "--", $"{Sudo}sh -c {Shell.Quote(script)}"]);

    /// <summary>A TCP connection to a port of the host's own loopback, through the master connection (ssh -W): no firewall rule, no tool on the host.</summary>
    public Process StartTunnel(int port) => Start([.. BaseArguments(), "-W", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"]);

    public async ValueTask DisposeAsync()
    {
        // Closes the master connection; a no-op when none was opened.
        using var exit = Start([.. BaseArguments(), "-O", "exit"]);
        exit.StandardInput.Close();
        await Task.WhenAll(exit.StandardOutput.ReadToEndAsync(), exit.StandardError.ReadToEndAsync(), exit.WaitForExitAsync());
    }

    private async Task<RemoteRun> RunAsync(string command, Stream input, CancellationToken cancel) =>
        Checked(await RunUncheckedAsync(command, input, cancel));

    private RemoteRun Checked(RemoteRun run) =>
        run.ExitCode == SshOwnFailure ? throw new CliException(ExitCodes.HostRefused, SshFailure.Describe(Target, run.Error, _settings.AcceptNewHostKey, LoginAttempts)) : run;

    private async Task<RemoteRun> RunUncheckedAsync(string command, Stream input, CancellationToken cancel)
    {
        using var ssh = Start([.. BaseArguments(), "--", command]);
        var output = ssh.StandardOutput.ReadToEndAsync(cancel);
        var error = ssh.StandardError.ReadToEndAsync(cancel);
        try
        {
            await input.CopyToAsync(ssh.StandardInput.BaseStream, cancel);
            ssh.StandardInput.Close();
        }
        catch (IOException)
        {
            // The remote command ended without reading all of its input; its exit code says why.
        }

        try
        {
            await ssh.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            ssh.Kill(entireProcessTree: true);
            throw;
        }

        return new RemoteRun(ssh.ExitCode, await output, await error);
    }

    private List<string> BaseArguments()
    {
        var arguments = new List<string>();
        if (_settings.ConfigFile is { } config)
        {
            arguments.AddRange(["-F", config]);
        }

        arguments.AddRange([
            "-o", "ControlMaster=auto", "-o", $"ControlPath={_controlPath}", "-o", $"ControlPersist={ControlPersistSeconds}",
            // Never a password or passphrase prompt in the middle of a rollout: keys come from the agent or the config.
            "-o", "BatchMode=yes",
            "-o", $"ConnectTimeout={ConnectTimeoutSeconds}",
            // Set here so no config can turn the check off; accept-new still refuses a changed key.
            "-o", $"StrictHostKeyChecking={(_settings.AcceptNewHostKey ? "accept-new" : "yes")}",
            // A dead connection is noticed within 3 × 10 s rather than a TCP timeout's minutes.
            "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=3",
        ]);
        if (Target.Port is int port)
        {
            arguments.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Target.User is { } user)
        {
            arguments.AddRange(["-l", user]);
        }

        arguments.Add(Target.Host);
        return arguments;
    }

    private static Process Start(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new CliException(ExitCodes.Failure, "ssh could not be started");
    }
}
