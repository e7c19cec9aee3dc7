using System.CommandLine;
using System.CommandLine.Parsing;
using AppHost.Cli.CommandLine;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// The options that say how the app is served, shared by <c>apphost service</c> and <c>apphost deploy</c>
/// so both read the same words the same way. For service every path is where the file is on the
/// server; for deploy, where it is on this machine (deploy copies it over).
/// </summary>
internal sealed class ServiceOptions
{
    public Option<int?> Port { get; } = CheckedOption.Create(OptionNames.Port, "Port the server answers on. Default: 443; 80 without --cert or --acme-domain (plain HTTP).",
        ValueSyntax.OptionalPort);

    public Option<int?> HttpPort { get; } = CheckedOption.Create(OptionNames.HttpPort,
        "Plain HTTP port redirecting to HTTPS (308) and answering ACME HTTP-01; 0 for none. Default: 80 with --cert or --acme-domain, none without.",
        ValueSyntax.OptionalPort);

    public Option<string?> Cert { get; } = CheckedOption.Create(OptionNames.Cert, "The HTTPS certificate: a .pfx, or a PEM file with --key.", ValueSyntax.FilePath);

    public Option<string?> Key { get; } = CheckedOption.Create(OptionNames.Key, "The PEM private key of a PEM certificate.", ValueSyntax.FilePath);

    public Option<string[]> AcmeDomains { get; } = CheckedOption.CreateList(OptionNames.AcmeDomain,
        "Get the HTTPS certificate for this name from an ACME CA (Let's Encrypt) instead of --cert (repeatable); the units keep its state in StateDirectory=.",
        ValueSyntax.AcmeDomain);

    public Option<string?> AcmeEmail { get; } = CheckedOption.Create(OptionNames.AcmeEmail, "Contact address of the ACME account.", ValueSyntax.Email);

    public Option<Uri?> AcmeDirectory { get; } = CheckedOption.Create(OptionNames.AcmeDirectory, "The ACME CA's directory URL. Default: Let's Encrypt.", ValueSyntax.HttpsUrl);

    public Option<string?> AcmeCaFile { get; } = CheckedOption.Create(OptionNames.AcmeCaFile, "PEM roots to trust for a private CA's HTTPS (step-ca), on the server.", ValueSyntax.FilePath);

    public Option<System.Net.IPNetwork[]> ForwardedBy { get; } = CheckedOption.CreateList(OptionNames.ForwardedBy,
        "A load balancer's address or range (repeatable) whose X-Forwarded-For and -Proto the server believes.", ValueSyntax.Network);

    public Option<bool> ProxyProtocol { get; } = new(OptionNames.ProxyProtocol) { Description = "Every socket expects the balancer's PROXY protocol header (v1 or v2); needs --forwarded-by." };

    public Option<int?> MetricsPort { get; } = CheckedOption.Create(OptionNames.MetricsPort,
        "Serve Prometheus's /metrics on this port, from a socket unit of its own (NAME-metrics.socket); the app must be built with <MetricsSupport>true</MetricsSupport>.",
        ValueSyntax.OptionalPort);

    public Option<System.Net.IPAddress?> MetricsHost { get; } = CheckedOption.Create(OptionNames.MetricsHost,
        "Address the metrics socket binds: a private network's, for a Prometheus on another machine. Default: 127.0.0.1.", ValueSyntax.Address);

    public Option<string[]> Environment { get; } = new("--env")
    {
        Description = "An environment variable for the app, NAME=VALUE (repeatable); it is written into the unit, so never a secret.",
        HelpName = "NAME=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Secrets { get; } = new("--secret")
    {
        Description = "A secret for the app, NAME=FILE (repeatable): systemd hands the root-only file to the service as $CREDENTIALS_DIRECTORY/NAME.",
        HelpName = "NAME=FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> EnvironmentFile { get; } = new("--env-file")
    {
        Description = "A file of NAME=VALUE lines for the app's environment, secrets welcome: root-only, read by systemd as root (EnvironmentFile=), never in the unit text.",
        HelpName = "FILE",
    };

    /// <summary>What follows --: the app's own options and the standard ones the units leave to it (--host-name, --max-connections, --log-level).</summary>
    public Argument<string[]> AppArguments { get; } = new("app-options")
    {
        Description = "After --: options for the app's command line, such as --greeting Hej or --host-name shop.example.com.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[Port, HttpPort, Cert, Key, AcmeDomains, AcmeEmail, AcmeDirectory, AcmeCaFile, ForwardedBy, ProxyProtocol, MetricsPort, MetricsHost, Environment, EnvironmentFile, Secrets])
        {
            command.Options.Add(option);
        }

        command.Arguments.Add(AppArguments);
    }

    /// <summary>Where the metrics socket listens: --metrics-port on --metrics-host; null without --metrics-port.</summary>
    /// <exception cref="CliException">--metrics-host without --metrics-port.</exception>
    public System.Net.IPEndPoint? ReadMetrics(ParseResult parsed)
    {
        var host = parsed.GetValue(MetricsHost);
        if (parsed.GetValue(MetricsPort) is not int port)
        {
            return host is null ? null
                : throw new CliException(ExitCodes.Usage, $"{OptionNames.MetricsHost} needs {OptionNames.MetricsPort}: give the port Prometheus scrapes, for example {OptionNames.MetricsPort} 9100");
        }

        return new System.Net.IPEndPoint(host ?? System.Net.IPAddress.Loopback, port);
    }

    /// <summary>--secret NAME=FILE, each split; FILE as given.</summary>
    /// <exception cref="CliException">Not NAME=FILE.</exception>
    public IReadOnlyList<KeyValuePair<string, string>> ReadSecrets(ParseResult parsed) =>
        [.. (parsed.GetValue(Secrets) ?? []).Select(secret => secret.Split('=', 2) is [var name, var file] && name.Length > 0 && file.Length > 0
            ? new KeyValuePair<string, string>(name, file)
            : throw new CliException(ExitCodes.Usage, $"--secret '{secret}' is not {Secrets.HelpName} (for example {SecretExample})"))];

    /// <summary>A --secret as the verb takes it, for its error message: a file on a server by default.</summary>
    public string SecretExample { get; init; } = "database-url=/etc/shop/database-url";

    /// <summary>The app's own settings, with each secret's file and the environment file where they are on the server.</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="secretPath">Given a secret's NAME and FILE as given, the file's path on the server.</param>
    /// <param name="environmentFilePath">Given --env-file as given, the file's path on the server.</param>
    public AppSettings ReadAppSettings(ParseResult parsed, Func<KeyValuePair<string, string>, string> secretPath, Func<string, string> environmentFilePath) =>
        CheckedValues(() => AppSettings.Create(ReadAppArguments(parsed), parsed.GetValue(Environment) ?? [],
            [.. ReadSecrets(parsed).Select(secret => new KeyValuePair<string, string>(secret.Key, secretPath(secret)))],
            parsed.GetValue(EnvironmentFile) is { } file ? environmentFilePath(file) : null));

    /// <summary>
    /// The words after --. (A command's positional argument before them, such as service's NAME, takes the
    /// first of them when it was left out; its own check then refuses an option as a name.)
    /// </summary>
    /// <exception cref="CliException">A stray word before --.</exception>
    public IReadOnlyList<string> ReadAppArguments(ParseResult parsed)
    {
        var tokens = parsed.Tokens.ToList();
        int doubleDash = tokens.FindIndex(t => t.Type == TokenType.DoubleDash);
        string[] afterDoubleDash = doubleDash < 0 ? [] : [.. tokens.Skip(doubleDash + 1).Select(t => t.Value)];
        string[] matched = parsed.GetValue(AppArguments) ?? [];
        if (matched.Length > afterDoubleDash.Length)
        {
            throw new CliException(ExitCodes.Usage, $"unexpected '{matched[0]}': the app's own options go after --, for example -- --greeting Hej");
        }

        return afterDoubleDash;
    }

    /// <summary>Turns a value's ArgumentException into the one-line usage error.</summary>
    public static T CheckedValues<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }
    }
}
