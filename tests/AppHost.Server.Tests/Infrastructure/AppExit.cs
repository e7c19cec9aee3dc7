namespace AppHost.Server.Tests.Infrastructure;

/// <summary>How a run of the app that was expected to end by itself ended.</summary>
public sealed record AppExit(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    /// <summary>Generous, for a loaded CI machine; refusing bad input takes well under a second.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the app with <paramref name="args"/> until it exits by itself.</summary>
    /// <param name="executable">A native file to run instead of the JIT-compiled build.</param>
    public static async Task<AppExit> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? executable = null)
    {
        await using var process = SampleApp.Start(args, environment, executable);
        int exitCode = await process.WaitForExitAsync(Timeout);
        return new AppExit(exitCode, process.StandardOutput, process.StandardError);
    }

    public static Task<AppExit> RunAsync(params string[] args) => RunAsync(args, environment: null);

    /// <summary>
    /// Asserts the contract for bad input: the given exit code, and exactly one line on stderr that
    /// starts with "error: ", says each of <paramref name="fragments"/>, and holds no stack trace.
    /// </summary>
    public void AssertOneLineError(int exitCode, params string[] fragments)
    {
        string[] lines = [.. StandardError.Where(l => l.Length > 0)];
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{string.Join('\n', lines)}");
        string line = lines[0];
        Assert.StartsWith("error: ", line);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, line);
        }

        Assert.DoesNotContain("Exception", line);
        Assert.DoesNotContain(StandardOutput.Concat(StandardError), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        // A JSON log line holds a stack trace on one line, its frames after escaped line breaks.
        Assert.DoesNotContain(StandardOutput, l => l.Contains("Exception", StringComparison.Ordinal) || l.Contains(@"\n   at ", StringComparison.Ordinal));
        Assert.Equal(exitCode, ExitCode);
    }
}
