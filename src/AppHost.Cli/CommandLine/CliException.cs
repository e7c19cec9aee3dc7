namespace AppHost.Cli.CommandLine;

/// <summary>
/// An expected failure: its message is one line for the user (what is wrong, the value quoted,
/// how to fix it), printed after "error: " with no stack trace, and the process exits with
/// <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Lines shown after the message, for example a compiler's error lines.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}
