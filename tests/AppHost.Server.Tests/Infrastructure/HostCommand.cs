using System.Diagnostics;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A program run on this machine to its end, its output captured, bounded in time.</summary>
public static class HostCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <param name="command">The program and its arguments.</param>
    /// <param name="check">Fail the test on a non-zero exit.</param>
    /// <param name="input">A file fed to the program's standard input.</param>
    /// <param name="timeout">How long it may run (a minute unless said); it is killed after.</param>
    public static async Task<Result> RunAsync(IReadOnlyList<string> command, bool check = true, string? input = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await using (var file = File.OpenRead(input))
            {
                await file.CopyToAsync(process.StandardInput.BaseStream);
            }

            process.StandardInput.Close();
        }

        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s");
        }

        var result = new Result(process.ExitCode, await output, await errors);
        if (check && result.ExitCode != 0)
        {
            Assert.Fail($"{string.Join(' ', command)} exited with {result.ExitCode}:\n{result.Output}\n{result.Errors}");
        }

        return result;
    }

    public sealed record Result(int ExitCode, string Output, string Errors);
}
