using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Rollout;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy;

/// <summary>
/// <c>apphost rollback --host HOST … --name NAME [--to RELEASE]</c>: every host back on its previous
/// release (or the one named), rolled out as carefully as a deploy, with the units it was deployed with.
/// </summary>
internal static class RollbackCommand
{
    // Fewer hex digits would name several releases as soon as a host keeps a few.
    private const int MinPrefix = 7;

    public static Command Create()
    {
        var hosts = new DeployOptions();
        var to = new Option<string?>("--to") { Description = "The release to go back to: the start of its sha256 as apphost status shows it. Default: each host's previous release.", HelpName = "release" };
        var healthSeconds = new Option<int>("--health-timeout") { Description = "Seconds a restarted server has to answer /healthz with 200. Default: 60.", HelpName = "seconds", DefaultValueFactory = _ => 60 };
        var command = new Command("rollback", "Put every host back on its previous release (or --to one it keeps), one batch at a time, health-checked.") { to, healthSeconds };
        hosts.AddTo(command, rolling: true);
        command.SetAction(async (parsed, cancel) =>
        {
            string name = RequireName(parsed, hosts);
            string? release = parsed.GetValue(to)?.ToLowerInvariant();
            if (release is not null && (release.Length < MinPrefix || !release.All(char.IsAsciiHexDigitLower)))
            {
                throw new CliException(ExitCodes.Usage, $"--to '{release}' is not a release; give at least {MinPrefix} hex digits of its sha256, as apphost status shows them");
            }

            await using var fleet = await Fleet.ConnectAsync(ServiceOptions.CheckedValues(() => hosts.ReadHosts(parsed)), ServiceOptions.CheckedValues(() => hosts.ReadSsh(parsed)),
                new HostLayout(name), cancel);
            // Each host's release to go back to, chosen once; a host with none is refused.
            var targets = fleet.Hosts.ToDictionary(host => host, host => TargetOf(host.Facts, release));
            fleet.Check(host => Preflight.Problems(host.Facts, release: null).Concat(targets[host].Problem is { } problem ? [problem] : []));
            if (!parsed.GetValue(hosts.DryRun))
            {
                await fleet.LockAsync(cancel);
            }

            fleet.ThrowIfRefused();
            fleet.LogConnections();
            if (parsed.GetValue(hosts.DryRun))
            {
                foreach (var host in fleet.Hosts)
                {
                    string target = targets[host].Release;
                    Console.Out.WriteLine(new HostResult(host.Name, "planned", target, host.Facts.VersionOf(target), TimeSpan.Zero).SummaryLine);
                    var changes = RollbackChanges.Of(host.Facts, target, host.Scripts.Layout);
                    RolloutLog.Step(host.Name, $"would go from release {host.Facts.Current![..12]} back to {target[..12]}; {changes.Describe()}; would restart");
                }

                return ExitCodes.Success;
            }

            IReadOnlyList<HostResult> results;
            using (RolloutLog.Live(fleet.Hosts.Select(h => h.Name)))
            {
                results = await RollingOrder.RunAsync(fleet.Hosts, parsed.GetValue(hosts.Parallel),
                    host => HostRollback.RunAsync(host, targets[host].Release, TimeSpan.FromSeconds(parsed.GetValue(healthSeconds)), Fleet.By, cancel));
            }

            return RolloutReport.Print(results, "rollback");
        });
        return command;
    }

    /// <summary>The app's name on the hosts: --name, or deploy.json's.</summary>
    public static string RequireName(ParseResult parsed, DeployOptions hosts) => parsed.GetValue(hosts.Name)
        ?? throw new CliException(ExitCodes.Usage, "give the app's name on the hosts with --name (its unit's name, for example shop), or run where deploy.json names it");

    // The release to go back to, or the problem that refuses the host (and an empty release).
    private static (string Release, string? Problem) TargetOf(HostFacts facts, string? prefix)
    {
        if (facts.Current is null)
        {
            return ("", "the app was never deployed there; nothing to roll back");
        }

        if (prefix is null)
        {
            return facts.Previous is { } previous ? (previous, null) : ("", "it keeps no release before the current one; give one with --to");
        }

        var matches = facts.Releases.Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => (matches[0], null),
            0 => ("", $"it keeps no release {prefix}; apphost status lists those it keeps"),
            _ => ("", $"{prefix} names {matches.Count} of its releases; give more digits"),
        };
    }
}
