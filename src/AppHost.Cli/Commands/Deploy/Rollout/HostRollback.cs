using System.Diagnostics;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// One host's rollback: switch <c>current</c> to the chosen release, restart through systemd and wait
/// for /healthz; should that fail, switch back to the release it had and check that again.
/// </summary>
internal static class HostRollback
{
    public static async Task<HostResult> RunAsync(HostConnection host, string target, TimeSpan healthTimeout, string by, CancellationToken cancel)
    {
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        var facts = host.Facts;
        string current = facts.Current!;
        var health = new HealthTarget(facts.Port ?? 443, facts.Https, HealthTarget.HostNameIn(facts.Command));
        string version = facts.VersionOf(target);
        try
        {
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
            string outcome = "failed";
            try
            {
                RolloutLog.Doing(host.Name, $"switching back to release {current[..12]}");
                await host.RunAsync(host.Scripts.Switch(current, "restore", facts.VersionOf(current), by), "switching back", cancel);
                await host.RestartAsync(cancel);
                await HealthCheck.RequireAsync(host.Ssh, health, healthTimeout, cancel);
                RolloutLog.Step(host.Name, $"back on release {current[..12]}, /healthz answers 200", step);
                outcome = "restored";
            }
            catch (StepFailedException again)
            {
                RolloutLog.Step(host.Name, $"could not be put back: {again.Message}", step);
            }

            return new HostResult(host.Name, outcome, target, version, total.Elapsed, e.Message);
        }
    }
}
