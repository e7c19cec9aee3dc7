namespace AppHostSample;

/// <summary>The name users see: the native file, the host's application name and the environment prefix.</summary>
internal static class AppInfo
{
    /// <summary>The native file's name, in lower case as Unix programs are named.</summary>
    public const string Name = "apphostsample";

    /// <summary>
    /// Prefix of the environment variables that stand in for options, for example
    /// <c>APPHOSTSAMPLE_PORT</c> for <c>--port</c>.
    /// </summary>
    public static readonly string EnvironmentPrefix =
        Name.ToUpperInvariant().Replace('-', '_').Replace('.', '_') + "_";
}
