namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>How a host ended: printed on stdout, one tab-separated line per host, for scripts.</summary>
/// <param name="Outcome">deployed, unchanged, rolled-back, restored (failed, and back on its previous release), undone (a failed first deploy, removed), rejected (the upload or the check on the host failed; nothing changed), failed, untouched or planned (--dry-run).</param>
/// <param name="Problem">Why it failed, or null.</param>
/// <param name="Journal">The service's last journal lines after a failure.</param>
internal sealed record HostResult(string Host, string Outcome, string Sha256, string Version, TimeSpan Elapsed, string? Problem = null, IReadOnlyList<string>? Journal = null)
{
    public bool Failed => Problem is not null;

    public string SummaryLine => $"{Host}\t{Outcome}\t{(Sha256.Length >= 12 ? Sha256[..12] : "-")}\t{(Version.Length == 0 ? "-" : Version)}\t{Elapsed.TotalSeconds:F1}s";
}
