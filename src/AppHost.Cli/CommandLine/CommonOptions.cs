using System.CommandLine;

namespace AppHost.Cli.CommandLine;

/// <summary>Options that several verbs share, created in one place so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Output(string description) => new("--output", "-o")
    {
        Description = description,
        HelpName = "path",
    };

    /// <summary>--rid, repeatable: one target, or several published one after the other.</summary>
    public static Option<string[]> Rids() => new("--rid", "-r")
    {
        Description = "Runtime identifier of the target machine, for example linux-x64, linux-arm64, win-x64, osx-arm64; repeat it for several. Default: this machine's.",
        HelpName = "rid",
        Arity = ArgumentArity.ZeroOrMore,
    };
}
