using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>What going back to a release changes on a host beside its file, from the probe alone: for --dry-run and the log.</summary>
/// <param name="Recorded">Whether the release keeps the units it was deployed with; one deployed by an apphost before records were kept does not, and only its file comes back.</param>
/// <param name="Written">Units whose text differs from those installed now.</param>
/// <param name="Removed">Units installed now that the release was not deployed with (a redirect or metrics socket added later).</param>
/// <param name="SecretsBack">Secret files of the release's deploy that a later deploy removed, put back; the others keep their newest content.</param>
internal sealed record RollbackChanges(bool Recorded, IReadOnlyList<string> Written, IReadOnlyList<string> Removed, IReadOnlyList<string> SecretsBack)
{
    public static RollbackChanges Of(HostFacts facts, string release, HostLayout layout)
    {
        if (!facts.RecordedUnits.TryGetValue(release, out var units))
        {
            return new(false, [], [], []);
        }

        var written = units.Where(u => !facts.Files.TryGetValue(HostLayout.UnitPath(u.Key), out string? now) || now != u.Value).Select(u => u.Key);
        var removed = ServiceDefinition.UnitFileNames(layout.Name).Where(u => !units.ContainsKey(u) && facts.Files.ContainsKey(HostLayout.UnitPath(u)));
        var back = facts.RecordedSecrets.GetValueOrDefault(release, []).Where(path => !facts.Files.ContainsKey($"{layout.Secrets}/{path}"));
        return new(true, [.. written.Order(StringComparer.Ordinal)], [.. removed], [.. back]);
    }

    /// <summary>Whether systemd would see another unit text: a daemon-reload, and the service restarted with other options.</summary>
    public bool UnitsChange => Written.Count + Removed.Count > 0;

    /// <summary>One clause for the dry run: "units unchanged", "would write shop.service", ...</summary>
    public string Describe()
    {
        if (!Recorded)
        {
            return "it keeps no units of its own (deployed before apphost kept them): only its file would come back, the units stay";
        }

        var parts = new List<string>();
        parts.Add(Written.Count > 0 ? $"would write {string.Join(", ", Written)} as it was deployed" : Removed.Count > 0 ? "" : "units unchanged");
        parts.Add(Removed.Count > 0 ? $"would remove {string.Join(", ", Removed)}" : "");
        parts.Add(SecretsBack.Count > 0 ? $"would put back {string.Join(", ", SecretsBack)} (removed by a later deploy)" : "");
        return string.Join("; ", parts.Where(p => p.Length > 0));
    }
}
