using System.Globalization;
using System.Text.Json;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Deploy;

/// <summary>
/// deploy.json: the deploy's settings, checked into the app's solution so that <c>apphost deploy</c>
/// alone redeploys. Each setting is the option of the same name, and an option given on the command
/// line wins over it. Paths in it are relative to the file; secrets are never in it, only the
/// paths of their files on the deploying machine. docs/deploy.schema.json describes it for editors.
/// </summary>
internal static class DeployFile
{
    public const string FileName = "deploy.json";

    // Bigger than any real settings file; the bound keeps a wrong file (a log, a binary) from being read whole.
    private const int MaxBytes = 64 * 1024;

    private enum Kind
    {
        Text,
        Path,
        // One path, or a list of them: --binary, once per processor of a mixed fleet.
        Paths,
        Number,
        Switch,
        List,
        Map,
        PathMap,
    }

    // Each setting, the option it stands for, and what its value is; rollback and status read the first four only.
    private static readonly (string Key, string Option, Kind Kind)[] Settings =
    [
        ("name", "--name", Kind.Text), ("hosts", "--host", Kind.List), ("sshConfig", "--ssh-config", Kind.Path), ("parallel", "--parallel", Kind.Number),
        ("binary", "--binary", Kind.Paths), ("port", "--port", Kind.Number), ("httpPort", "--http-port", Kind.Number),
        ("cert", "--cert", Kind.Path), ("key", "--key", Kind.Path), ("acmeDomains", "--acme-domain", Kind.List), ("acmeEmail", "--acme-email", Kind.Text),
        ("acmeDirectory", "--acme-directory", Kind.Text), ("acmeCaFile", "--acme-ca-file", Kind.Path), ("forwardedBy", "--forwarded-by", Kind.List), ("proxyProtocol", "--proxy-protocol", Kind.Switch),
        ("metricsPort", "--metrics-port", Kind.Number), ("metricsHost", "--metrics-host", Kind.Text),
        ("env", "--env", Kind.Map), ("envFile", "--env-file", Kind.Path), ("secrets", "--secret", Kind.PathMap), ("healthTimeout", "--health-timeout", Kind.Number), ("appOptions", "--", Kind.List),
    ];

    private const int HostSettings = 4;

    /// <summary>
    /// The command line with the settings of deploy.json added, for deploy, rollback and status; any other
    /// command line as it is. The file is the one in the project folder given, else in the current folder.
    /// </summary>
    /// <exception cref="CliException">The file is not valid: one line naming the file, the setting and the fix.</exception>
    public static string[] AddSettings(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("deploy" or "rollback" or "status"))
        {
            return args;
        }

        string? file = Find(args);
        if (file is null)
        {
            return args;
        }

        int doubleDash = Array.IndexOf(args, "--");
        var given = (doubleDash < 0 ? args : args[..doubleDash]).ToHashSet(StringComparer.Ordinal);
        bool hasAppOptions = doubleDash >= 0;
        var settings = Read(file);
        var before = new List<string>(args[..(doubleDash < 0 ? args.Length : doubleDash)]);
        var after = new List<string>(doubleDash < 0 ? [] : args[doubleDash..]);
        string folder = Path.GetDirectoryName(file)!;
        foreach (var (key, option, kind) in args[0] == "deploy" ? Settings : Settings[..HostSettings])
        {
            if (!settings.TryGetProperty(key, out var value) || given.Contains(option) || given.Any(a => a.StartsWith(option + "=", StringComparison.Ordinal)))
            {
                continue;
            }

            if (option == "--")
            {
                if (!hasAppOptions)
                {
                    after = ["--", .. Strings(file, key, value)];
                }

                continue;
            }

            before.AddRange(Tokens(file, folder, key, option, kind, value));
        }

        return [.. before, .. after];
    }

    private static string? Find(string[] args)
    {
        // The project argument is the first word after the verb that is not an option or an option's value.
        string? project = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : null;
        string folder = project is null ? Environment.CurrentDirectory : Directory.Exists(project) ? project : Path.GetDirectoryName(Path.GetFullPath(project))!;
        string path = Path.GetFullPath(Path.Combine(folder, FileName));
        return File.Exists(path) ? path : null;
    }

    private static JsonElement Read(string file)
    {
        if (new FileInfo(file).Length > MaxBytes)
        {
            throw Invalid(file, $"is larger than {MaxBytes / 1024} KB; it should hold a few settings");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(file, "must hold one JSON object, for example { \"hosts\": [\"web1\"] }");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "$schema" && !Settings.Any(s => s.Key == property.Name))
                {
                    throw Invalid(file, $"has an unknown setting \"{property.Name}\"; the settings are {string.Join(", ", Settings.Select(s => s.Key))}");
                }
            }

            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Invalid(file, $"is not valid JSON at line {e.LineNumber + 1}: {e.Message.Split(" LineNumber", 2)[0].TrimEnd('.', ' ')}");
        }
    }

    private static IEnumerable<string> Tokens(string file, string folder, string key, string option, Kind kind, JsonElement value)
    {
        switch (kind)
        {
            case Kind.Text when value.ValueKind == JsonValueKind.String:
                return [option, value.GetString()!];
            case Kind.Path when value.ValueKind == JsonValueKind.String:
                return [option, Path.GetFullPath(Path.Combine(folder, value.GetString()!))];
            case Kind.Paths when value.ValueKind == JsonValueKind.String:
                return Tokens(file, folder, key, option, Kind.Path, value);
            case Kind.Paths when value.ValueKind == JsonValueKind.Array:
                return Strings(file, key, value).SelectMany(item => new[] { option, Path.GetFullPath(Path.Combine(folder, item)) });
            case Kind.Number when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number):
                return [option, number.ToString(CultureInfo.InvariantCulture)];
            case Kind.Switch when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return value.GetBoolean() ? [option] : [];
            case Kind.List:
                return Strings(file, key, value).SelectMany(item => new[] { option, item });
            case Kind.Map or Kind.PathMap when value.ValueKind == JsonValueKind.Object:
                return value.EnumerateObject().SelectMany(entry => entry.Value.ValueKind == JsonValueKind.String
                    ? new[] { option, $"{entry.Name}={(kind == Kind.PathMap ? Path.GetFullPath(Path.Combine(folder, entry.Value.GetString()!)) : entry.Value.GetString())}" }
                    : throw Invalid(file, $"setting \"{key}\" must map names to strings; \"{entry.Name}\" is not a string"));
            default:
                throw Invalid(file, $"setting \"{key}\" must be {Describe(kind)}");
        }
    }

    private static IEnumerable<string> Strings(string file, string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String)
            ? [.. value.EnumerateArray().Select(item => item.GetString()!)]
            : throw Invalid(file, $"setting \"{key}\" must be {Describe(Kind.List)}");

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Text => "a string",
        Kind.Path => "a path (a string, relative to the file)",
        Kind.Paths => "a path or a list of paths (relative to the file), for example [\"x64/shop\", \"arm64/shop\"]",
        Kind.Number => "a whole number",
        Kind.Switch => "true or false",
        Kind.List => "a list of strings, for example [\"web1\", \"web2\"]",
        _ => "an object of names and strings, for example { \"NAME\": \"value\" }",
    };

    private static CliException Invalid(string file, string problem) => new(ExitCodes.Usage, $"{file} {problem}");
}
