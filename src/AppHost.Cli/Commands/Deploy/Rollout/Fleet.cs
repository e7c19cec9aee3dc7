using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// The hosts of one run, connected, probed, checked and (for deploy and rollback) locked, all before
/// any of them is changed: a problem on any host stops the run with every host as it was.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private readonly string _controlFolder;
    private readonly List<string> _refusals = [];

    private Fleet(string controlFolder, IReadOnlyList<HostConnection> hosts)
    {
        _controlFolder = controlFolder;
        Hosts = hosts;
    }

    public IReadOnlyList<HostConnection> Hosts { get; }

    /// <summary>Who runs this tool, for the hosts' history and locks.</summary>
    public static string By => $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>Connects to every host at once and probes it. A host that could not be reached is refused, and left out of <see cref="Hosts"/>.</summary>
    public static async Task<Fleet> ConnectAsync(IReadOnlyList<SshTarget> targets, SshSettings settings, HostLayout layout, CancellationToken cancel)
    {
        RequireSsh();
        // ssh's control sockets: private to this user and short, as a Unix socket path must be under 108 bytes.
        string controlFolder = Directory.CreateTempSubdirectory("apphost-ssh-").FullName;
        var opened = await Task.WhenAll(targets.Select((target, index) => OpenOneAsync(
            new SshSession(target, settings, Path.Combine(controlFolder, index.ToString(System.Globalization.CultureInfo.InvariantCulture))), layout, cancel)));
        var fleet = new Fleet(controlFolder, [.. opened.Where(o => o.Host is not null).Select(o => o.Host!)]);
        fleet._refusals.AddRange(opened.Where(o => o.Refusal is not null).Select(o => o.Refusal!));
        return fleet;
    }

    /// <summary>Refuses each host for each problem <paramref name="problems"/> finds in it.</summary>
    public void Check(Func<HostConnection, IEnumerable<string>> problems)
    {
        foreach (var host in Hosts)
        {
            _refusals.AddRange(problems(host).Select(problem => $"{host.Name}: {problem}"));
        }
    }

    /// <summary>Takes every host's deploy lock, unless a host is refused already; a host whose lock is held is refused.</summary>
    public async Task LockAsync(CancellationToken cancel)
    {
        if (_refusals.Count > 0)
        {
            return;
        }

        var held = await Task.WhenAll(Hosts.Select(async host => (host, holder: await host.LockAsync($"{By} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}", cancel))));
        _refusals.AddRange(held.Where(h => h.holder is not null).Select(h => $"{h.host.Name}: {h.holder}"));
    }

    /// <exception cref="CliException">A host was refused: one line per host and problem, exit code <see cref="ExitCodes.HostRefused"/>.</exception>
    public void ThrowIfRefused()
    {
        if (_refusals.Count > 0)
        {
            throw new CliException(ExitCodes.HostRefused, _refusals.Count == 1 ? _refusals[0] : $"{_refusals.Count} problems; no host was changed")
            {
                Details = _refusals.Count == 1 ? [] : [.. _refusals],
            };
        }
    }

    /// <summary>
    /// Logs each host's connect and probe time. Called once every host has passed, so a refusal stays
    /// the one line that names it.
    /// </summary>
    public void LogConnections()
    {
        foreach (var host in Hosts)
        {
            int attempts = host.Ssh.LoginAttempts;
            string retried = attempts > 1 ? $", {attempts} connections: the host closed {attempts - 1} before the login" : "";
            RolloutLog.Step(host.Name, $"connected and probed ({host.ConnectTime.TotalSeconds:F1} s{retried})");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Hosts.Select(host => host.DisposeAsync().AsTask()));
        Directory.Delete(_controlFolder, recursive: true);
    }

    private static async Task<(HostConnection? Host, string? Refusal)> OpenOneAsync(SshSession ssh, HostLayout layout, CancellationToken cancel)
    {
        var timer = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var host = await HostConnection.OpenAsync(ssh, new HostScripts(layout), cancel);
            host.ConnectTime = timer.Elapsed;
            return (host, null);
        }
        catch (CliException e)
        {
            await ssh.DisposeAsync();
            return (null, e.Message);
        }
    }

    private static void RequireSsh()
    {
        if (!Publish.HostMachine.Current().HasTool("ssh"))
        {
            throw new CliException(ExitCodes.MissingPrerequisite, "ssh is not installed; install the OpenSSH client: sudo apt-get install openssh-client (or dnf install openssh-clients)");
        }
    }
}
