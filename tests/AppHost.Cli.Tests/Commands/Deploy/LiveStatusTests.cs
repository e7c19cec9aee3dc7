using System.Text.RegularExpressions;
using AppHost.Cli.Commands.Deploy.Rollout;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>The live view draws below the finished steps and leaves only them behind.</summary>
public sealed partial class LiveStatusTests
{
    [Fact]
    public void FinishedStepsStayAndTheViewIsRedrawnBelowThemThenRemoved()
    {
        var terminal = new StringWriter();
        var drawing = new Lock();
        using (var live = new LiveStatus(terminal, ["web1", "web-two"], () => 80, drawing))
        {
            live.Doing("web1", "uploading 12.0 MB");
            lock (drawing)
            {
                live.Finished("web1", "uploaded 12.0 MB", "web1: uploaded 12.0 MB (0.8 s)");
            }

            live.Doing("web1", "restarting");
        }

        string written = terminal.ToString();
        Assert.Equal(["web1: uploaded 12.0 MB (0.8 s)"], Screen(written));
        Assert.Contains("  web1     uploading 12.0 MB … 0.0 s\n  web-two  waiting\n", written);
        Assert.Contains("  web1     uploaded 12.0 MB\n", written);
        Assert.Contains("  web1     restarting … ", written);
    }

    [Fact]
    public void ALineWiderThanTheTerminalIsCutSoTheRedrawCountsRight()
    {
        var terminal = new StringWriter();
        using (var live = new LiveStatus(terminal, ["web1"], () => 30, new Lock()))
        {
            live.Doing("web1", "checking the release runs here and accepts its options");
        }

        Assert.Contains("  web1  checking the release \n", terminal.ToString());
    }

    /// <summary>What stays on a terminal: "ESC[nF ESC[J" takes back the last n lines, as the view does.</summary>
    private static List<string> Screen(string written)
    {
        var lines = new List<string>();
        foreach (string part in Erase().Split(written))
        {
            if (Erase().Match(part) is { Success: true } match && match.Length == part.Length)
            {
                int count = int.Parse(part[2..part.IndexOf('F', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                lines.RemoveRange(lines.Count - count, count);
                continue;
            }

            lines.AddRange(part.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        return lines;
    }

    [GeneratedRegex(@"(\e\[\d+F\e\[J)")]
    private static partial Regex Erase();
}
