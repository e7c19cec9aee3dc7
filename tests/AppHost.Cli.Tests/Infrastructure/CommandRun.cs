using System.Diagnostics;

namespace AppHost.Cli.Tests.Infrastructure;

/// <summary>A finished run of a program: its exit code and what it printed, line by line.</summary>
public sealed record CommandRun(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory, "apphost.dll");

    /// <summary>Runs <c>apphost</c> (the build the tests reference) in <paramref name="directory"/>.</summary>
    public static Task<CommandRun> AppHostAsync(string directory, params string[] args) =>
        RunAsync(DotnetHost(), ["exec", Tool, .. args], directory, TimeSpan.FromMinutes(10));

    /// <summary>Runs any program; fails the test if it has not ended within <paramref name="timeout"/>.</summary>
    public static async Task<CommandRun> RunAsync(string program, IEnumerable<string> args, string directory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', args)}' did not finish within {timeout}");
        }

        return new CommandRun(process.ExitCode, Lines(await stdout), Lines(await stderr));
    }

    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Asserts exit code 0, showing what the program said otherwise.</summary>
    public CommandRun AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}\nstdout:\n{string.Join('\n', StandardOutput)}\nstderr:\n{string.Join('\n', StandardError)}");
        return this;
    }

    /// <summary>Asserts the contract for bad input: the exit code and one "error: " line saying each fragment.</summary>
    public void AssertOneLineError(int exitCode, params string[] fragments)
    {
        string[] lines = [.. StandardError.Where(l => l.Length > 0)];
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{string.Join('\n', lines)}");
        Assert.StartsWith("error: ", lines[0]);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, lines[0]);
        }

        Assert.DoesNotContain("Exception", lines[0]);
        Assert.Equal(exitCode, ExitCode);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.None).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
}
