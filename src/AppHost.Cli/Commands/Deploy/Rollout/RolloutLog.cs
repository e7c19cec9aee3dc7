using System.Diagnostics;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// Each host's steps as they finish, with their time, on stderr: "web1: uploaded 12.0 MB (0.8 s)".
/// Lines from hosts rolled out together are written whole, never interleaved. On a terminal a live
/// view below them shows what each host is doing now (<see cref="LiveStatus"/>).
/// </summary>
internal static class RolloutLog
{
    private static readonly Lock Writing = new();
    private static LiveStatus? _live;

    /// <summary>
    /// Starts the live view when stderr is a terminal that can draw it; plain lines otherwise (a pipe,
    /// a CI log, TERM=dumb). Dispose the result when the rollout ends.
    /// </summary>
    public static IDisposable Live(IEnumerable<string> hosts)
    {
        if (Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") is null or "" or "dumb")
        {
            return new Ended();
        }

        var live = new LiveStatus(Console.Error, hosts, TerminalWidth, Writing);
        _live = live;
        return new Ended(() =>
        {
            _live = null;
            live.Dispose();
        });
    }

    /// <summary>What a host starts doing, for the live view; plain output waits for the step to finish.</summary>
    public static void Doing(string host, string what) => _live?.Doing(host, what);

    public static void Step(string host, string what, Stopwatch? timer = null)
    {
        string line = timer is null ? $"{host}: {what}" : $"{host}: {what} ({timer.Elapsed.TotalSeconds:F1} s)";
        lock (Writing)
        {
            if (_live is { } live)
            {
                live.Finished(host, what, line);
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }

        timer?.Restart();
    }

    private static int TerminalWidth()
    {
        try
        {
            // A terminal that does not say its size (a pty nobody sized, as script(1) makes) reports 0: take the classic 80.
            return Console.WindowWidth is > 0 and var columns ? columns : 80;
        }
        catch (IOException)
        {
            return 80; // the terminal went away; the width only bounds the lines
        }
    }

    private sealed class Ended(Action? end = null) : IDisposable
    {
        public void Dispose() => end?.Invoke();
    }
}
