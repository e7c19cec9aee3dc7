namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>Quoting for the host's POSIX shell.</summary>
internal static class Shell
{
    /// <summary>One word for <c>sh</c>, whatever it holds: single quotes, each inner quote closed, escaped and reopened.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
