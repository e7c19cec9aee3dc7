using System.Text.RegularExpressions;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// The app's own settings in its units: options for its command line (its own, such as the
/// sample's --greeting, and standard ones the units leave to it, such as --host-name), environment
/// variables, and secrets handed over by systemd's credentials. Each is checked to be something a
/// unit file can carry; the app's own parser judges the options (<c>apphost deploy</c> runs it with --check).
/// </summary>
internal sealed partial record AppSettings
{
    // The standard options apphost writes itself (into a unit, or a pod's args): given again after --, the app would see two.
    private static readonly string[] SetByUnits =
    [
        OptionNames.Port, OptionNames.Host, OptionNames.HttpPort, OptionNames.Cert, OptionNames.Key, OptionNames.CertPasswordFile,
        OptionNames.AcmeDomain, OptionNames.AcmeEmail, OptionNames.AcmeDirectory, OptionNames.AcmeCaFile, OptionNames.StateDir,
        OptionNames.LogFormat, OptionNames.ShutdownTimeout, OptionNames.ForwardedBy, OptionNames.ProxyProtocol, OptionNames.ReadyFile, OptionNames.Check,
    ];

    // The credential names the certificate's units use already.
    private static readonly string[] ReservedSecretNames = ["cert", "key"];

    public static AppSettings None { get; } = new();

    /// <summary>Words for the app's command line, after the standard options the units write.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    /// <summary>Environment variables for the app (Environment=); not for secrets, which the unit text would show.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; private init; } = [];

    /// <summary>Secrets by name, each a root-only file on the server that systemd copies for the service ($CREDENTIALS_DIRECTORY/NAME).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Secrets { get; private init; } = [];

    /// <summary>A root-only file of NAME=VALUE lines on the server that systemd reads as root for the app's environment (EnvironmentFile=); null for none.</summary>
    public string? EnvironmentFile { get; private init; }

    /// <param name="arguments">What followed --.</param>
    /// <param name="environment">--env NAME=VALUE, each.</param>
    /// <param name="secrets">--secret NAME=PATH, each, with PATH where the file is on the server.</param>
    /// <param name="environmentFile">--env-file, where the file is on the server; null for none.</param>
    /// <exception cref="ArgumentException">A value a unit cannot carry, or a name given twice; the message names it and the fix.</exception>
    public static AppSettings Create(IReadOnlyList<string> arguments, IReadOnlyList<string> environment, IReadOnlyList<KeyValuePair<string, string>> secrets,
        string? environmentFile = null)
    {
        foreach (string argument in arguments)
        {
            CheckText("an app option", argument);
            string option = argument.Split('=', 2)[0];
            if (SetByUnits.Contains(option, StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{option}' after -- is written by apphost itself; give it to apphost before --, or leave it out");
            }
        }

        var variables = new List<KeyValuePair<string, string>>();
        foreach (string setting in environment)
        {
            int equals = setting.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? setting : setting[..equals];
            if (equals < 0 || !VariableName().IsMatch(name))
            {
                throw new ArgumentException($"--env '{setting}' is not NAME=VALUE with a NAME of letters, digits and '_' (for example SHOP_GREETING=Hej)");
            }

            CheckText("--env", setting);
            CheckUnique("--env", name, variables);
            variables.Add(new(name, setting[(equals + 1)..]));
        }

        for (int i = 0; i < secrets.Count; i++)
        {
            string name = secrets[i].Key;
            if (!SecretName().IsMatch(name) || ReservedSecretNames.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"--secret name '{name}' is not valid: use letters, digits, '_', '-' and '.', and not {string.Join(" or ", ReservedSecretNames)} (the certificate's)");
            }

            CheckUnique("--secret", name, secrets.Take(i));
        }

        return new AppSettings { Arguments = arguments, Environment = variables, Secrets = secrets, EnvironmentFile = environmentFile };
    }

    /// <summary>A word of ExecStart= as systemd reads it back: quoted when it holds more than plain characters, with '%' and '$' doubled.</summary>
    public static string ForExecStart(string word) => ForUnit(word).Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>An Environment= assignment, quoted, with '%' doubled (systemd expands specifiers there, not variables).</summary>
    public static string ForEnvironment(KeyValuePair<string, string> variable) => Quoted($"{variable.Key}={variable.Value}");

    private static string ForUnit(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+@,=:~".Contains(c)) ? word : Quoted(word);

    private static string Quoted(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal) + "\"";

    // Unit files are lines: a line break or another control character cannot be carried.
    private static void CheckText(string what, string text)
    {
        if (text.Any(char.IsControl))
        {
            throw new ArgumentException($"{what} '{text.ReplaceLineEndings(" ")}' holds a line break or control character, which a unit file cannot carry");
        }
    }

    private static void CheckUnique(string option, string name, IEnumerable<KeyValuePair<string, string>> earlier)
    {
        if (earlier.Any(e => e.Key == name))
        {
            throw new ArgumentException($"{option} {name} is given twice; give it once");
        }
    }

    /// <summary>
    /// Checks an environment file's text before it goes to a host: each line empty, a # comment, or
    /// NAME=VALUE with a NAME as --env takes; systemd would skip a bad line with only a warning in the journal.
    /// </summary>
    /// <exception cref="ArgumentException">A line that is none of these; the message gives its number, never its text (it may be a secret).</exception>
    public static void CheckEnvironmentFile(string path, string text)
    {
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !VariableName().IsMatch(line[..equals].Trim()))
            {
                throw new ArgumentException($"--env-file '{path}' line {i + 1} is not NAME=VALUE with a NAME of letters, digits and '_' (for example SHOP_DATABASE_URL=postgres://...)");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex VariableName();

    // systemd's credential names: a file name; kept to plain characters here.
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex SecretName();
}
