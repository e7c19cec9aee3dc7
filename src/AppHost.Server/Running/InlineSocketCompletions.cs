namespace AppHost.Running;

/// <summary>
/// Socket completions run on the thread that saw the socket ready, rather than being handed to a
/// thread-pool worker first. Each hand-off wakes another thread, which on a small machine preempts
/// the one doing the work: over HTTPS that was half of what TLS added per request (issue 23's
/// profile). Kestrel still hands each request to the thread pool, so the app's own code, and
/// anything of it that blocks, never runs on these threads; the ACME client hops off them itself
/// (AcmeHttp). The runtime reads both variables once, when its first socket is made.
/// </summary>
internal static class InlineSocketCompletions
{
    private const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>
    /// Turns them on for this process, with one socket event thread for every two cores, unless the
    /// operator set either variable already (an inline 0 keeps them off, and a count is kept as given).
    /// </summary>
    public static void Enable()
    {
        foreach (var (name, value) in Settings(Environment.GetEnvironmentVariable, Environment.ProcessorCount))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>The variables to set, given the process's own.</summary>
    internal static IEnumerable<(string Name, string Value)> Settings(Func<string, string?> variable, int processorCount)
    {
        if (variable(InlineVariable) is not null)
        {
            yield break;
        }

        yield return (InlineVariable, "1");
        // With completions inline the runtime would give every core an event thread. An event thread
        // then only receives and sends, and the requests' work runs on the thread pool: on 2 cores one
        // event thread served 5-11% more HTTPS requests than two, whose extra thread only competed with
        // the workers for the cores (docs/https-h1.md). Machines with more cores are not measured; half
        // of their cores keeps the event threads well clear of being the bottleneck.
        if (variable(ThreadCountVariable) is null)
        {
            yield return (ThreadCountVariable, Math.Max(1, processorCount / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
