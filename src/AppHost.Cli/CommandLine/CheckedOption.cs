using System.CommandLine;
using System.CommandLine.Parsing;
using AppHost.Contract;

namespace AppHost.Cli.CommandLine;

/// <summary>
/// Options whose values the tool passes on to the server: checked by the server's own syntax
/// (<see cref="ValueSyntax"/>, compiled into both), so a value the server would refuse is refused
/// here, with the server's words, before it is written anywhere.
/// </summary>
internal static class CheckedOption
{
    public static Option<T> Create<T>(string name, string description, ValueSyntax<T> syntax) => new(name)
    {
        Description = description,
        HelpName = syntax.HelpName,
        CustomParser = result => Parse(result, name, result.Tokens[^1].Value, syntax),
    };

    /// <summary>A repeatable option (<c>--acme-domain a --acme-domain b</c>).</summary>
    public static Option<T[]> CreateList<T>(string name, string description, ValueSyntax<T> syntax) => new(name)
    {
        Description = description,
        HelpName = syntax.HelpName,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result => [.. result.Tokens.Select(token => Parse(result, name, token.Value, syntax))],
    };

    private static T Parse<T>(ArgumentResult result, string name, string text, ValueSyntax<T> syntax)
    {
        if (syntax.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError(syntax.Problem(name, text));
        return default!;
    }
}
