using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>The end of a deploy or rollback: a line per host on stdout, and the error of the host that failed.</summary>
internal static class RolloutReport
{
    /// <summary>Prints each host's line on stdout, and for a failure the error with the host's journal.</summary>
    public static int Print(IReadOnlyList<HostResult> results, string verb)
    {
        foreach (var result in results)
        {
            Console.Out.WriteLine(result.SummaryLine);
        }

        if (results.FirstOrDefault(r => r.Failed) is not { } failed)
        {
            return ExitCodes.Success;
        }

        string after = failed.Outcome switch
        {
            "restored" => "it is back on its previous release",
            "undone" => "the deploy was undone there (its first)",
            "rejected" => "nothing was changed there",
            _ => "it could not be put back",
        };
        int untouched = results.Count(r => r.Outcome == "untouched");
        throw new CliException(ExitCodes.RolloutFailed, $"{verb} stopped at {failed.Host}: {failed.Problem}; {after}{(untouched > 0 ? $", and {untouched} host(s) after it were left untouched" : "")}")
        {
            Details = failed.Journal is { Count: > 0 } journal ? [$"last lines of {failed.Host}'s journal:", .. journal] : [],
        };
    }
}
