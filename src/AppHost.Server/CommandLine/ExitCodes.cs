namespace AppHost;

/// <summary>The process exit codes of an AppHost server; an app documents them in its README.</summary>
public static class ExitCodes
{
    /// <summary>The server ran and stopped cleanly (SIGTERM, SIGINT or Ctrl-C included), or printed --help or --version.</summary>
    public const int Success = 0;

    /// <summary>
    /// The command line was well formed but the server could not run: a certificate, a file,
    /// a port or an address was wrong.
    /// </summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: an unknown option or a malformed value.</summary>
    public const int Usage = 2;
}
