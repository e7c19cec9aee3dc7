namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>How a command on a host ended: its exit code and what it wrote.</summary>
internal sealed record RemoteRun(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last line it wrote to stderr, or to stdout when stderr was empty: what to quote in an error.</summary>
    public string LastLine => (Error.Trim().Length > 0 ? Error : Output).Trim().Split('\n')[^1].Trim();
}
