using System.Diagnostics;

namespace AppHost.Tests.Shared;

/// <summary>A program run on this machine to its end: its exit code and what it printed.</summary>
/// <param name="CommandLine">The program and its arguments, for messages.</param>
/// <param name="Output">Everything it wrote to standard output.</param>
/// <param name="Errors">Everything it wrote to standard error.</param>
public sealed record CommandRun(string CommandLine, int ExitCode, string Output, string Errors)
{
    // Long enough for a tool doing real work on a loaded machine; a longer job says its own bound.
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Standard output line by line, empty lines left out.</summary>
    public IReadOnlyList<string> StandardOutput => Lines(Output);

    /// <summary>Standard error line by line, empty lines left out.</summary>
    public IReadOnlyList<string> StandardError => Lines(Errors);

    /// <summary>Runs a program and waits for its end; fails the test and kills it if it has not ended in time.</summary>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="directory">Its working directory; the tests' own unless said.</param>
    /// <param name="timeout">How long it may run (a minute unless said).</param>
    /// <param name="input">Bytes fed to its standard input, which is then closed; none unless said.</param>
    /// <param name="environment">Variables set for it on top of the tests' own.</param>
    public static async Task<CommandRun> RunAsync(IReadOnlyList<string> command, string? directory = null, TimeSpan? timeout = null,
        Stream? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            WorkingDirectory = directory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        string commandLine = string.Join(' ', command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await input.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }

        var bound = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{commandLine}' did not finish within {bound}");
        }

        return new CommandRun(commandLine, process.ExitCode, await output, await errors);
    }

    /// <summary>The dotnet the tests run under, so a child process uses the same SDK.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Asserts exit code 0, showing what the program said otherwise.</summary>
    public CommandRun AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"'{CommandLine}' exited with {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}");
        return this;
    }

    /// <summary>Asserts the contract for bad input: the exit code and one "error: " line saying each fragment.</summary>
    public void AssertOneLineError(int exitCode, params string[] fragments)
    {
        string[] lines = [.. StandardError];
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{string.Join('\n', lines)}");
        Assert.StartsWith("error: ", lines[0]);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, lines[0]);
        }

        Assert.DoesNotContain("Exception", lines[0]);
        Assert.Equal(exitCode, ExitCode);
    }

    private static string[] Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];
}
