namespace AppHost.CommandLine;

/// <summary>The name users see: the native file, the host's application name and the environment prefix.</summary>
/// <param name="Name">The native file's name, in lower case as Unix programs are named, for example "shop".</param>
internal sealed record AppIdentity(string Name)
{
    /// <summary>
    /// Prefix of the environment variables that stand in for options, for example
    /// <c>SHOP_PORT</c> for <c>--port</c>.
    /// </summary>
    public string EnvironmentPrefix { get; } = Name.ToUpperInvariant().Replace('-', '_').Replace('.', '_') + "_";

    /// <summary>The environment variable that stands in for an option: <c>--log-level</c> is <c>SHOP_LOG_LEVEL</c>.</summary>
    public string VariableFor(string optionName) =>
        EnvironmentPrefix + optionName.TrimStart('-').Replace('-', '_').ToUpperInvariant();
}
