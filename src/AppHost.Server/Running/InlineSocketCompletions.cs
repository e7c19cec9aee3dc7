namespace AppHost.Running;

/// <summary>
/// Socket completions run on the thread that saw the socket ready, rather than being handed to a
/// thread-pool worker first. Each hand-off wakes another thread, which on a small machine preempts
/// the one doing the work: over HTTPS that was half of what TLS added per request (issue 23's
/// profile). Kestrel still hands each request to the thread pool, so the app's own code, and
/// anything of it that blocks, never runs on these threads; the ACME client hops off them itself
/// (AcmeHttp). The runtime reads the variable once, when its first socket is made, and gives
/// each core a thread of its own for these events.
/// </summary>
internal static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns them on for this process, unless the operator set the variable already (0 keeps them off).</summary>
    public static void Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
