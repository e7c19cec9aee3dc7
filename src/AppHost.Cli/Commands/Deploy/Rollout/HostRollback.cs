using System.Diagnostics;
using AppHost.Cli.Commands.Deploy.Remote;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// One host's rollback: install the units the chosen release was deployed with (and the secret files a
/// later deploy removed), switch <c>current</c> to it, restart through systemd and wait for /healthz;
/// should that fail, put the units, secrets and release back as they were and check that again.
/// </summary>
internal static class HostRollback
{
    public static async Task<HostResult> RunAsync(HostConnection host, string target, TimeSpan healthTimeout, string by, CancellationToken cancel)
    {
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        var facts = host.Facts;
        string current = facts.Current!;
        var before = HealthTarget.Of(facts);
        var health = before;
        string version = facts.VersionOf(target);
        var changes = RollbackChanges.Of(facts, target, host.Scripts.Layout);
        try
        {
            if (changes.Recorded)
            {
                RolloutLog.Doing(host.Name, $"installing the units release {target[..12]} was deployed with");
                var reinstall = await host.RunAsync(host.Scripts.Records.Reinstall(target), "installing its units", cancel);
                // The release's own units say where and how it serves: its port may not be today's.
                health = HealthTarget.Of(HostFacts.Parse(reinstall.Output));
                RolloutLog.Step(host.Name, changes.UnitsChange ? $"its units installed ({string.Join(", ", changes.Written.Concat(changes.Removed.Select(u => $"{u} removed")))})" : "its units are those installed", step);
            }
            else
            {
                RolloutLog.Step(host.Name, $"release {target[..12]} keeps no units (deployed before apphost kept them): its file only, the units stay");
            }

            RolloutLog.Doing(host.Name, $"switching to release {target[..12]} and restarting");
            await host.RunAsync(host.Scripts.Switch(target, "rollback", version, by), "switching to the release", cancel);
            await host.RestartAsync(cancel);
            RolloutLog.Step(host.Name, $"restarted on release {target[..12]}{(version.Length > 0 ? $" ({version})" : "")}, ready", step);
            RolloutLog.Doing(host.Name, "waiting for /healthz to answer 200");
            await HealthCheck.RequireAsync(host.Ssh, health, healthTimeout, cancel);
            RolloutLog.Step(host.Name, "/healthz answers 200", step);
            return new HostResult(host.Name, "rolled-back", target, version, total.Elapsed);
        }
        catch (StepFailedException e)
        {
            RolloutLog.Step(host.Name, $"failed: {e.Message}", step);
            var journal = await HostDeploy.JournalAsync(host, cancel);
            string outcome = "failed";
            try
            {
                RolloutLog.Doing(host.Name, $"putting release {current[..12]} back");
                // The same putting back as a failed deploy's, but the release gone back to stays: it served before.
                await host.RunAsync(changes.Recorded ? host.Scripts.Restore(current, target, by, removeFailed: false)
                    : host.Scripts.Switch(current, "restore", facts.VersionOf(current), by), "putting it back", cancel);
                if (!changes.Recorded)
                {
                    await host.RestartAsync(cancel);
                }

                await HealthCheck.RequireAsync(host.Ssh, before, healthTimeout, cancel);
                RolloutLog.Step(host.Name, $"back on release {current[..12]}, /healthz answers 200", step);
                outcome = "restored";
            }
            catch (StepFailedException again)
            {
                RolloutLog.Step(host.Name, $"could not be put back: {again.Message}", step);
            }

            return new HostResult(host.Name, outcome, target, version, total.Elapsed, e.Message, journal);
        }
    }
}
