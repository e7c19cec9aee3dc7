namespace AppHost.Cli.Commands.Deploy.Remote;

/// <summary>A line of the host's history: <c>TIME\tACTION\tSHA256\tVERSION\tBY</c>.</summary>
/// <param name="Time">UTC, as date -u +%Y-%m-%dT%H:%M:%SZ wrote it on the host.</param>
/// <param name="Action">deploy, rollback, or restore (a failed deploy undone).</param>
internal sealed record HistoryEntry(string Time, string Action, string Sha256, string Version, string By)
{
    public static HistoryEntry? TryParse(string line) =>
        line.Split('\t') is [var time, var action, var sha, var version, var by] ? new HistoryEntry(time, action, sha, version, by) : null;
}
