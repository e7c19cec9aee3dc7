namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>What a deploy would change on a host, from the probe alone.</summary>
internal static class DryRun
{
    public static string Describe(HostConnection host, DeployPlan plan, ReleaseFile release)
    {
        var facts = host.Facts;
        var changes = new List<string>
        {
            facts.Releases.Contains(release.Sha256) ? $"release {release.ShortSha} is there already" : $"would upload {HostDeploy.Megabytes(release.Size)}",
        };
        var changedUnits = plan.Units.Where(u => !facts.Files.TryGetValue(Remote.HostLayout.UnitPath(u.Key), out string? sha) || sha != Sha256(u.Value)).Select(u => u.Key).ToList();
        changes.Add(changedUnits.Count == 0 ? "units unchanged" : $"would write {string.Join(", ", changedUnits)}");
        bool secretsChanged = plan.SecretFiles.Any(s => !facts.Files.TryGetValue($"{plan.Layout.Secrets}/{s.Key}", out string? sha) || sha != Sha256(s.Value));
        if (secretsChanged)
        {
            changes.Add("would update secrets");
        }

        bool restart = facts.Current != release.Sha256 || changedUnits.Count > 0 || secretsChanged || plan.ForceRestart;
        changes.Add(facts.Current is null ? "would start the service for the first time"
            : restart ? $"would restart ({(facts.Current == release.Sha256 ? "same release" : $"from {facts.Current[..12]}")})" : "would not restart");
        return string.Join("; ", changes);
    }

    private static string Sha256(string text) => Sha256(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
