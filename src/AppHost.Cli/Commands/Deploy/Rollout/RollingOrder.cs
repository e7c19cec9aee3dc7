namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// Runs a step on the hosts in batches of <c>--parallel</c>, in the order given, and stops after the
/// first batch in which a host failed: the hosts after it are left untouched.
/// </summary>
internal static class RollingOrder
{
    public static async Task<IReadOnlyList<HostResult>> RunAsync(IReadOnlyList<HostConnection> hosts, int parallel,
        Func<HostConnection, Task<HostResult>> step)
    {
        var results = new List<HostResult>();
        foreach (var batch in hosts.Chunk(parallel))
        {
            results.AddRange(await Task.WhenAll(batch.Select(step)));
            if (results.Any(r => r.Failed))
            {
                results.AddRange(hosts.Skip(results.Count).Select(host => new HostResult(host.Name, "untouched", "", "", TimeSpan.Zero)));
                break;
            }
        }

        return results;
    }
}
