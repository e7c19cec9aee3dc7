using System.Text.RegularExpressions;

namespace AppHost.Cli.Commands.New;

/// <summary>
/// The name of a new app, and the forms the template's source name (AppHostSample) takes in it:
/// as written for namespaces and project names, in lower case for the native file, and in upper
/// case for the environment variables.
/// </summary>
internal sealed partial record AppName
{
    // Ample for a product name, short enough for file systems and process listings.
    private const int MaxLength = 64;

    private AppName(string value) => Value = value;

    /// <summary>As given: the namespace, project and solution name, for example <c>Shop</c>.</summary>
    public string Value { get; }

    /// <summary>The native file's name, for example <c>shop</c>.</summary>
    public string LowerCase => Value.ToLowerInvariant();

    /// <summary>The stem of the environment variables, for example <c>SHOP</c> in <c>SHOP_PORT</c>.</summary>
    public string EnvironmentStem => Value.Replace('.', '_').ToUpperInvariant();

    /// <summary>Accepts names that are at once a C# namespace, a file name and an environment variable stem.</summary>
    /// <exception cref="ArgumentException">The name is not one; the message says why.</exception>
    public static AppName Parse(string text)
    {
        if (text.Length > MaxLength || !NamespaceLike().IsMatch(text))
        {
            throw new ArgumentException($"name '{text}' must start with a letter, hold only letters and digits with dots between parts, and be at most {MaxLength} characters (for example Shop or Contoso.Shop)");
        }

        return new AppName(text);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*$")]
    private static partial Regex NamespaceLike();
}
