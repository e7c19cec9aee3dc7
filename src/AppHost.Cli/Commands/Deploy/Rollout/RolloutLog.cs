using System.Diagnostics;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// Each host's steps as they finish, with their time, on stderr: "web1: uploaded 12.0 MB (0.8 s)".
/// Lines from hosts rolled out together are written whole, never interleaved.
/// </summary>
internal static class RolloutLog
{
    private static readonly Lock Writing = new();

    public static void Step(string host, string what, Stopwatch? timer = null)
    {
        string line = timer is null ? $"{host}: {what}" : $"{host}: {what} ({timer.Elapsed.TotalSeconds:F1} s)";
        lock (Writing)
        {
            Console.Error.WriteLine(line);
        }

        timer?.Restart();
    }
}
