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
}
