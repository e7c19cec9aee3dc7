using System.Diagnostics;
using AppHost.Cli.Commands.Deploy.Remote;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// One host's deploy: upload unless the release is there, check it runs and accepts its options,
/// install the units and secrets, switch, restart through systemd and wait for /healthz. A failure
/// after anything changed puts the host back as it was, and checks it is healthy again.
/// </summary>
internal static class HostDeploy
{
    // Journal lines shown with a failure: enough for an exception's message and the lines before it.
    private const int JournalLines = 15;

    public static async Task<HostResult> RunAsync(HostConnection host, DeployPlan plan, ReleaseFile release, CancellationToken cancel)
    {
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        var facts = host.Facts;
        string version = "";
        bool installed = false;
        try
        {
            if (facts.Releases.Contains(release.Sha256))
            {
                RolloutLog.Step(host.Name, $"release {release.ShortSha} is there already, not sent");
            }
            else
            {
                RolloutLog.Doing(host.Name, $"uploading {Megabytes(release.Size)}");
                await using var file = File.OpenRead(release.Path);
                var upload = await host.Ssh.RunWithInputAsync(host.Scripts.Upload(release.Sha256), file, cancel);
                if (!upload.Succeeded)
                {
                    throw new StepFailedException($"upload failed: {upload.LastLine}");
                }

                RolloutLog.Step(host.Name, $"uploaded {Megabytes(release.Size)}, sha256 checked", step);
            }

            RolloutLog.Doing(host.Name, "checking the release runs here and accepts its options");
            var check = await host.RunAsync(host.Scripts.Check(release.Sha256, plan.CheckedArguments, plan.Service.App.Environment), "the release's check", cancel);
            version = check.Output.Split('\n').FirstOrDefault(l => l.StartsWith("version=", StringComparison.Ordinal))?["version=".Length..].Trim() ?? "";
            RolloutLog.Step(host.Name, $"version {version} runs here and accepts its options", step);

            installed = true;
            RolloutLog.Doing(host.Name, "installing the units and secrets");
            // A host deployed before releases kept their units: what is installed now is the current release's, kept for a rollback to it.
            string recordCurrent = facts.Current is { } current && !facts.RecordedUnits.ContainsKey(current) ? host.Scripts.Records.Record(current) : "";
            var install = await host.RunAsync(recordCurrent + host.Scripts.Install(plan.Units, plan.SecretFiles, plan.Sockets), "installing the units", cancel);
            bool changed = install.Output.Contains("changed=yes", StringComparison.Ordinal);
            bool switching = facts.Current != release.Sha256;
            if (!changed && !switching && !plan.ForceRestart)
            {
                RolloutLog.Step(host.Name, "unchanged: same release, units and secrets; not restarted (--restart to restart anyway)", step);
                return new HostResult(host.Name, "unchanged", release.Sha256, version, total.Elapsed);
            }

            RolloutLog.Step(host.Name, changed ? "units or secrets updated" : "units and secrets unchanged", step);
            if (switching)
            {
                await host.RunAsync(host.Scripts.Switch(release.Sha256, "deploy", version, plan.By), "switching to the release", cancel);
            }

            RolloutLog.Doing(host.Name, "restarting");
            await host.RestartAsync(cancel);
            RolloutLog.Step(host.Name, "restarted, ready", step);
            RolloutLog.Doing(host.Name, "waiting for /healthz to answer 200");
            await WaitHealthyAsync(host, plan, cancel);
            RolloutLog.Step(host.Name, "/healthz answers 200", step);
            // Kept only now that it serves healthy: a rollback to this release installs a set that worked.
            await host.RunAsync(host.Scripts.Records.Record(release.Sha256) + host.Scripts.Prune(plan.KeepReleases), "keeping its units, removing old releases", cancel);
            return new HostResult(host.Name, "deployed", release.Sha256, version, total.Elapsed);
        }
        catch (StepFailedException e)
        {
            RolloutLog.Step(host.Name, $"failed: {e.Message}", step);
            if (!installed)
            {
                // The upload or the check failed: the service was not touched, so its journal says nothing of it.
                return new HostResult(host.Name, "rejected", release.Sha256, version, total.Elapsed, e.Message);
            }

            var journal = await JournalAsync(host, cancel);
            string outcome = await RestoreAsync(host, plan, facts.Current, release.Sha256, cancel);
            return new HostResult(host.Name, outcome, release.Sha256, version, total.Elapsed, e.Message, journal);
        }
    }

    /// <summary>Puts the units, secrets and release back as they were before, and checks the host is healthy again.</summary>
    /// <returns>The host's outcome: restored, undone (a first deploy), or failed when even that did not work.</returns>
    private static async Task<string> RestoreAsync(HostConnection host, DeployPlan plan, string? previous, string failed, CancellationToken cancel)
    {
        var step = Stopwatch.StartNew();
        try
        {
            RolloutLog.Doing(host.Name, "putting the previous release back");
            await host.RunAsync(host.Scripts.Restore(previous, failed, plan.By), "putting the previous release back", cancel);
            if (previous is null)
            {
                RolloutLog.Step(host.Name, "first deploy undone: units removed, nothing serves", step);
                return "undone";
            }

            await WaitHealthyAsync(host, plan, cancel);
            RolloutLog.Step(host.Name, $"back on release {previous[..12]}, /healthz answers 200", step);
            return "restored";
        }
        catch (StepFailedException e)
        {
            RolloutLog.Step(host.Name, $"could not be put back: {e.Message}", step);
            return "failed";
        }
    }

    private static Task WaitHealthyAsync(HostConnection host, DeployPlan plan, CancellationToken cancel) =>
        HealthCheck.RequireAsync(host.Ssh, plan.Health, plan.HealthTimeout, cancel);

    /// <summary>A size as the output shows it: 12.0 MB, or 0.3 MB for a small file rather than 0.0.</summary>
    public static string Megabytes(long bytes) => $"{Math.Max(bytes / 1e6, 0.1):F1} MB";

    /// <summary>The service's last journal lines, for the error of a host that failed (a rollback's too).</summary>
    public static async Task<IReadOnlyList<string>> JournalAsync(HostConnection host, CancellationToken cancel)
    {
        var run = await host.Ssh.RunScriptAsync(host.Scripts.Journal(JournalLines), cancel);
        return [.. run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
