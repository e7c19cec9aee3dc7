namespace AppHost.Cli.CommandLine;

/// <summary>The exit codes of <c>apphost</c>, as documented in README.md.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A run-time failure not covered below, for example a file that could not be written.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown verb or option, malformed value, project or RID not found.</summary>
    public const int Usage = 2;

    /// <summary>This machine lacks a tool the step needs (the .NET SDK, a native linker, objcopy); the message names the package.</summary>
    public const int MissingPrerequisite = 3;

    /// <summary><c>dotnet publish</c> failed; its error lines were shown.</summary>
    public const int BuildFailed = 4;

    /// <summary>The published file did not start, answer /healthz, or stop cleanly on SIGTERM.</summary>
    public const int SmokeTestFailed = 5;

    /// <summary>
    /// apphost deploy, rollback or status: a host could not be used (unreachable, unknown host key, wrong
    /// processor, too old a glibc, no systemd, locked by another deploy). Checked on every host before any changes.
    /// </summary>
    public const int HostRefused = 6;

    /// <summary>
    /// apphost deploy or rollback: a host's new release did not become ready or healthy. That host was
    /// put back on its previous release; hosts not yet reached were left as they were.
    /// </summary>
    public const int RolloutFailed = 7;
}
