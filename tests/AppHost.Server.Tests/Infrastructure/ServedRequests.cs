namespace AppHost.Server.Tests.Infrastructure;

/// <summary>How many requests a running app has answered, from its request log (one JSON line each).</summary>
public static class ServedRequests
{
    public static int Count(RunningApp app) => app.Process.StandardOutput.Count(line => line.Contains("\"StatusCode\"", StringComparison.Ordinal));

    /// <summary>Waits until the app has answered <paramref name="more"/> further requests: proof it serves the load.</summary>
    public static Task MoreAsync(RunningApp app, int more, TimeSpan timeout)
    {
        int target = Count(app) + more;
        return Poll.UntilAsync(() => Task.FromResult(Count(app) >= target), timeout, $"{more} more requests answered");
    }
}
