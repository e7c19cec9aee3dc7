using System.Diagnostics;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Publish;

/// <summary>Runs the dotnet CLI, reading its output line by line as it comes.</summary>
internal static class Dotnet
{
    /// <summary>What a finished run printed and how it ended.</summary>
    /// <param name="ExitCode">The exit code.</param>
    /// <param name="Output">Standard output, line by line.</param>
    /// <param name="Errors">Standard error, line by line.</param>
    public sealed record Result(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors)
    {
        /// <summary>Both streams, output first: what a user would have seen.</summary>
        public IEnumerable<string> AllLines => Output.Concat(Errors);
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, CancellationToken cancel, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(Host())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Plain, stable output: no first-run banner, no telemetry notice, no terminal logger.
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["MSBUILDTERMINALLOGGER"] = "off";

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException(ExitCodes.MissingPrerequisite, $"cannot run '{info.FileName}': {e.Message}; install the .NET 10 SDK and put dotnet on PATH", e);
        }

        using var _ = process;
        var lines = new List<string>();
        var errors = new List<string>();
        var stdout = ReadAsync(process.StandardOutput, line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }

            onLine?.Invoke(line);
        });
        var stderr = ReadAsync(process.StandardError, errors.Add);
        try
        {
            await process.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr);
        return new Result(process.ExitCode, lines, errors);
    }

    private static async Task ReadAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
        }
    }

    private static string Host() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
