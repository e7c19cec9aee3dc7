using System.CommandLine;
using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy;

/// <summary>The options of every verb that works on hosts: deploy, rollback and status.</summary>
internal sealed class DeployOptions
{
    // One at a time by default: a bad release stops at the first host.
    private const int DefaultParallel = 1;

    // A fleet this tool is for has a few to a few dozen hosts; the bound keeps a typo from opening thousands of connections.
    private const int MaxParallel = 64;

    public Option<string[]> Hosts { get; } = new("--host")
    {
        Description = "A server to deploy to, [USER@]HOST[:PORT] or an alias of the ssh config (repeatable), in rollout order.",
        HelpName = "host",
        AllowMultipleArgumentsPerToken = false,
        Required = true,
    };

    public Option<string> Name { get; } = new("--name")
    {
        Description = "The app's name on the hosts: its units (NAME.service) and /opt/apphost/NAME. Default: the native file's name.",
        HelpName = "name",
    };

    public Option<string?> SshConfig { get; } = new("--ssh-config")
    {
        Description = "An ssh config file to use instead of ~/.ssh/config (ssh -F).",
        HelpName = "file",
    };

    public Option<bool> AcceptNewHostKey { get; } = new("--accept-new-host-key")
    {
        Description = "Record the host key of a host never connected to before (StrictHostKeyChecking=accept-new); a changed key is still refused.",
    };

    public Option<int> Parallel { get; } = CreateParallel();

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Check every host and show what would change on each, changing nothing." };

    public void AddTo(Command command, bool rolling)
    {
        foreach (Option option in (Option[])[Hosts, Name, SshConfig, AcceptNewHostKey])
        {
            command.Options.Add(option);
        }

        if (rolling)
        {
            command.Options.Add(Parallel);
            command.Options.Add(DryRun);
        }
    }

    /// <exception cref="ArgumentException">A host that is not [USER@]HOST[:PORT], or one given twice.</exception>
    public IReadOnlyList<SshTarget> ReadHosts(ParseResult parsed)
    {
        var targets = (parsed.GetValue(Hosts) ?? []).Select(SshTarget.Parse).ToList();
        var twice = targets.GroupBy(t => t.Text, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? targets : throw new ArgumentException($"--host {twice.Key} is given twice; give each host once");
    }

    public SshSettings ReadSsh(ParseResult parsed)
    {
        string? config = parsed.GetValue(SshConfig);
        if (config is not null && !File.Exists(config))
        {
            throw new ArgumentException($"--ssh-config '{config}' does not exist; give an ssh config file, or leave it out for ~/.ssh/config");
        }

        return new SshSettings(config is null ? null : Path.GetFullPath(config), parsed.GetValue(AcceptNewHostKey));
    }

    private static Option<int> CreateParallel()
    {
        var option = new Option<int>("--parallel")
        {
            Description = $"Hosts changed at once, in batches in --host order. Default: {DefaultParallel}.",
            HelpName = "count",
            DefaultValueFactory = _ => DefaultParallel,
        };
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value is < 1 or > MaxParallel)
            {
                result.AddError($"--parallel {value} is not from 1 to {MaxParallel}");
            }
        });
        return option;
    }
}
