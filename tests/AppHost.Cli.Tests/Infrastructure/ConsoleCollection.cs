namespace AppHost.Cli.Tests.Infrastructure;

/// <summary>
/// Tests that run a command line in this process and read what it writes to standard error.
/// Console.Error is one for the whole process, so these run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";

    /// <summary>Runs <paramref name="run"/> with standard error captured.</summary>
    /// <returns>Its exit code, and the non-empty lines it wrote to standard error.</returns>
    public static (int ExitCode, string[] Lines) CaptureError(Func<int> run)
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            int exitCode = run();
            return (exitCode, captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
