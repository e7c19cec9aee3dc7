using System.CommandLine;
using System.CommandLine.Parsing;
using AppHost.Contract;

namespace AppHost.CommandLine;

/// <summary>
/// Creates options that may also be set by an environment variable named after the app and the
/// option, for example <c>--port</c> and <c>SHOP_PORT</c>. The command line wins.
/// </summary>
internal static class EnvironmentOption
{
    public static Option<T> Create<T>(AppIdentity app, string name, string description, T defaultValue, ValueSyntax<T> syntax)
    {
        string variable = app.VariableFor(name);
        return new Option<T>(name)
        {
            Description = $"{description} [env: {variable}]",
            HelpName = syntax.HelpName,
            DefaultValueFactory = result => FromEnvironment(result, variable, defaultValue, syntax),
            CustomParser = result => result.Tokens.Count == 0
                ? FromEnvironment(result, variable, defaultValue, syntax)
                : Parse(result, $"{name} '{syntax.Shown(result.Tokens[0].Value)}'", result.Tokens[0].Value, syntax),
        };
    }

    /// <summary>A switch (<c>--proxy-protocol</c>), on when given; its variable is on when it holds true or 1.</summary>
    public static Option<bool> CreateSwitch(AppIdentity app, string name, string description)
    {
        string variable = app.VariableFor(name);
        return new Option<bool>(name)
        {
            Description = $"{description} [env: {variable}=true]",
            DefaultValueFactory = result => Environment.GetEnvironmentVariable(variable) switch
            {
                null or "" or "false" or "0" => false,
                "true" or "1" => true,
                string other => Refuse(result, $"{variable}='{other}' is not valid: expected true or false"),
            },
        };
    }

    private static bool Refuse(ArgumentResult result, string problem)
    {
        result.AddError(problem);
        return false;
    }

    /// <summary>
    /// A repeatable option (<c>--host-name a --host-name b</c>); its variable holds the values
    /// separated by commas (<c>SHOP_HOST_NAME=a,b</c>).
    /// </summary>
    public static Option<T[]> CreateList<T>(AppIdentity app, string name, string description, ValueSyntax<T> syntax)
    {
        string variable = app.VariableFor(name);
        return new Option<T[]>(name)
        {
            Description = $"{description} [env: {variable}, comma-separated]",
            HelpName = syntax.HelpName,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = result => ParseAll(result, variable, (Environment.GetEnvironmentVariable(variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), syntax),
            CustomParser = result => result.Tokens.Count == 0
                ? ParseAll(result, variable, (Environment.GetEnvironmentVariable(variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), syntax)
                : ParseAll(result, name, [.. result.Tokens.Select(t => t.Value)], syntax),
        };
    }

    private static T FromEnvironment<T>(ArgumentResult result, string variable, T defaultValue, ValueSyntax<T> syntax)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(text) ? defaultValue : Parse(result, $"{variable}='{syntax.Shown(text)}'", text, syntax);
    }

    private static T[] ParseAll<T>(ArgumentResult result, string source, string[] texts, ValueSyntax<T> syntax) =>
        [.. texts.Select(text => Parse(result, $"{source} '{syntax.Shown(text)}'", text, syntax))];

    private static T Parse<T>(ArgumentResult result, string source, string text, ValueSyntax<T> syntax)
    {
        if (syntax.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError(syntax.Problem(source));
        return default!;
    }
}
