using System.CommandLine;
using AppHost.Contract;

namespace AppHost.CommandLine;

/// <summary>The options every AppHost server has, with their environment variables and the checks that span several of them.</summary>
internal sealed class StandardOptions
{
    private readonly AppIdentity _app;
    private readonly Option<int> _port;
    private readonly Option<System.Net.IPAddress?> _host;
    private readonly Option<int?> _httpPort;
    private readonly Option<string[]> _hostNames;
    private readonly Option<string?> _cert;
    private readonly Option<string?> _key;
    private readonly Option<string?> _passwordFile;
    private readonly Option<string[]> _acmeDomains;
    private readonly Option<string?> _acmeEmail;
    private readonly Option<Uri?> _acmeDirectory;
    private readonly Option<string?> _acmeCaFile;
    private readonly Option<string?> _stateDir;
    private readonly Option<Serilog.Events.LogEventLevel> _logLevel;
    private readonly Option<LogFormat?> _logFormat;
    private readonly Option<int> _shutdownTimeout;
    private readonly Option<int> _maxConnections;
    private readonly Option<string?> _readyFile;
    private readonly Option<System.Net.IPNetwork[]> _forwardedBy;
    private readonly Option<bool> _proxyProtocol;
    private readonly Option<int?> _metricsPort;
    private readonly Option<System.Net.IPAddress?> _metricsHost;
    private readonly Option<Uri?> _otlpEndpoint;
    private readonly Option<int> _otlpInterval;
    private readonly Option<string?> _otlpHeadersFile;

    /// <param name="app">Names the environment variables.</param>
    /// <param name="defaults">The app's defaults; ServerDefaults documents the package's own.</param>
    public StandardOptions(AppIdentity app, ServerDefaults defaults)
    {
        _app = app;
        _port = EnvironmentOption.Create(app, OptionNames.Port, "TCP port to listen on.", defaults.Port, ValueSyntax.Port);
        _host = EnvironmentOption.Create(app, OptionNames.Host, "Address to listen on. Default: every interface, IPv4 and IPv6.", defaults.Host, ValueSyntax.Address);
        _httpPort = EnvironmentOption.Create(app, OptionNames.HttpPort, "Plain HTTP port that redirects every request to HTTPS (308) and answers ACME HTTP-01 challenges; 0 picks a free one. Needs --cert or --acme-domain.", defaults.HttpPort, ValueSyntax.OptionalPort);
        _hostNames = EnvironmentOption.CreateList(app, OptionNames.HostName, "Host name requests must be addressed to (repeatable); others get 400. Default: any.", ValueSyntax.HostName);
        _cert = EnvironmentOption.Create(app, OptionNames.Cert, "HTTPS certificate: a .pfx/.p12 file, or a PEM file with its chain plus --key.", null, ValueSyntax.FilePath);
        _key = EnvironmentOption.Create(app, OptionNames.Key, "Private key (PEM) of a PEM certificate.", null, ValueSyntax.FilePath);
        _passwordFile = EnvironmentOption.Create(app, OptionNames.CertPasswordFile,
            $"File holding the password of the .pfx or of an encrypted key; or set {PasswordVariable}.", null, ValueSyntax.FilePath);
        _acmeDomains = EnvironmentOption.CreateList(app, OptionNames.AcmeDomain,
            "Get the HTTPS certificate for this name from an ACME CA (Let's Encrypt) instead of --cert, and renew it (repeatable).", ValueSyntax.AcmeDomain);
        _acmeEmail = EnvironmentOption.Create(app, OptionNames.AcmeEmail, "Contact address of the ACME account, for the CA's expiry and policy mail.", null, ValueSyntax.Email);
        _acmeDirectory = EnvironmentOption.Create(app, OptionNames.AcmeDirectory,
            $"The ACME CA's directory URL. Default: Let's Encrypt. To try a set-up first, its staging CA: {AcmeDirectories.LetsEncryptStaging}", null, ValueSyntax.HttpsUrl);
        _acmeCaFile = EnvironmentOption.Create(app, OptionNames.AcmeCaFile,
            "PEM certificates to trust for the directory's HTTPS, for a private CA (step-ca, Pebble). Adds trust; never turns checks off.", null, ValueSyntax.FilePath);
        _stateDir = EnvironmentOption.Create(app, OptionNames.StateDir,
            $"Folder for the ACME account and certificates. Default: $STATE_DIRECTORY (systemd), else ~/.local/state/{app.Name}.", null, ValueSyntax.FolderPath);
        _logLevel = EnvironmentOption.Create(app, OptionNames.LogLevel, "Least important events logged.", defaults.LogLevel, LogSyntax.Level);
        _logFormat = EnvironmentOption.Create(app, OptionNames.LogFormat, "text or json. Default: text on a terminal, json otherwise.", null, LogSyntax.Format);
        _shutdownTimeout = EnvironmentOption.Create(app, OptionNames.ShutdownTimeout, "Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.",
            (int)defaults.ShutdownTimeout.TotalSeconds, ValueSyntax.Seconds);
        _maxConnections = EnvironmentOption.Create(app, OptionNames.MaxConnections, "Most connections open at once.", defaults.MaxConnections, ValueSyntax.ConnectionCount);
        _forwardedBy = EnvironmentOption.CreateList(app, OptionNames.ForwardedBy,
            "A load balancer's address or range (repeatable) whose X-Forwarded-For and -Proto are believed; from others they are dropped. Default: none, loopback neither.",
            ValueSyntax.Network);
        _proxyProtocol = EnvironmentOption.CreateSwitch(app, OptionNames.ProxyProtocol,
            "Every listener expects a PROXY protocol header (v1 or v2) from a --forwarded-by peer before anything else, and takes the client's address from it; other connections are closed.");
        _metricsPort = EnvironmentOption.Create(app, OptionNames.MetricsPort,
            "Serve Prometheus's GET /metrics, plain HTTP, on this port of its own; 0 picks a free one. Default: no metrics.", null, ValueSyntax.OptionalPort);
        // Loopback by default: the figures tell an attacker about load and versions, so opening them is a decision.
        _metricsHost = EnvironmentOption.Create(app, OptionNames.MetricsHost,
            "Address of the metrics listener; a non-loopback one lets other machines scrape it. Default: 127.0.0.1.", System.Net.IPAddress.Loopback, ValueSyntax.Address);
        _otlpEndpoint = EnvironmentOption.Create(app, OptionNames.OtlpEndpoint,
            "Also push the metrics to this OTLP/HTTP receiver (an OpenTelemetry Collector); a URL ending at the port gets /v1/metrics. Default: no push.", null, ValueSyntax.OtlpUrl);
        _otlpInterval = EnvironmentOption.Create(app, OptionNames.OtlpInterval, "Seconds between OTLP pushes.",
            (int)new ServerOptions().OtlpInterval.TotalSeconds, ValueSyntax.Interval);
        // A file, never the headers themselves: they hold a key, and a command line shows in ps.
        _otlpHeadersFile = EnvironmentOption.Create(app, OptionNames.OtlpHeadersFile,
            "File of headers sent with each OTLP push, one 'Name: value' per line, such as the receiver's key.", null, ValueSyntax.FilePath);
        _readyFile = EnvironmentOption.Create(app, OptionNames.ReadyFile,
            "File written once the server listens: its addresses, pid and version, as JSON (for tools and tests); removed when it stops.", null, ValueSyntax.FilePath);
    }

    /// <summary>The variable a password may come from instead of a file (never the command line, where ps shows it).</summary>
    private string PasswordVariable => _app.EnvironmentPrefix + "CERT_PASSWORD";

    public void AddTo(RootCommand command)
    {
        foreach (Option option in (Option[])[_port, _host, _httpPort, _hostNames, _cert, _key, _passwordFile,
            _acmeDomains, _acmeEmail, _acmeDirectory, _acmeCaFile, _stateDir, _logLevel, _logFormat, _shutdownTimeout, _maxConnections, _forwardedBy, _proxyProtocol, _metricsPort, _metricsHost, _otlpEndpoint, _otlpInterval, _otlpHeadersFile, _readyFile])
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            bool acme = Valid(result, _acmeDomains) is { Length: > 0 };
            var chosen = new OptionRules.Choices(
                Certificate: Valid(result, _cert) is not null,
                CertificatePart: (Valid(result, _key) ?? Valid(result, _passwordFile)) is not null,
                Acme: acme,
                AcmePart: (Valid(result, _acmeEmail) ?? Valid(result, _acmeDirectory)?.ToString() ?? Valid(result, _acmeCaFile)) is not null,
                Port: Valid(result, _port),
                HttpPort: Valid(result, _httpPort),
                ForwardedBy: Valid(result, _forwardedBy) is { Length: > 0 },
                ProxyProtocol: Valid(result, _proxyProtocol),
                OtlpEndpoint: Valid(result, _otlpEndpoint) is not null,
                OtlpHeaders: Valid(result, _otlpHeadersFile) is not null);
            if (OptionRules.FindProblem(chosen) is { } problem)
            {
                result.AddError(problem);
            }
        });
    }

    // A value whose own parse failed is reported already, and GetValue throws for it: the checks across options skip it.
    private static T? Valid<T>(System.CommandLine.Parsing.CommandResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    public ServerOptions Read(ParseResult parsed) => new()
    {
        Port = parsed.GetValue(_port),
        Host = parsed.GetValue(_host),
        HttpPort = parsed.GetValue(_httpPort),
        HostNames = parsed.GetValue(_hostNames) ?? [],
        Certificate = parsed.GetValue(_cert) is { } certPath
            ? new CertificateFiles(certPath, parsed.GetValue(_key), parsed.GetValue(_passwordFile)) { PasswordVariable = PasswordVariable }
            : null,
        Acme = parsed.GetValue(_acmeDomains) is { Length: > 0 } domains
            ? new AcmeOptions
            {
                Domains = [.. domains.Distinct(StringComparer.Ordinal)],
                Email = parsed.GetValue(_acmeEmail),
                Directory = parsed.GetValue(_acmeDirectory) ?? AcmeOptions.LetsEncrypt,
                CaFile = parsed.GetValue(_acmeCaFile),
                StateDirectory = parsed.GetValue(_stateDir),
            }
            : null,
        LogLevel = parsed.GetValue(_logLevel),
        LogFormat = parsed.GetValue(_logFormat) ?? (Console.IsOutputRedirected ? LogFormat.Json : LogFormat.Text),
        ShutdownTimeout = TimeSpan.FromSeconds(parsed.GetValue(_shutdownTimeout)),
        MaxConnections = parsed.GetValue(_maxConnections),
        AppName = _app.Name,
        ReadyFile = parsed.GetValue(_readyFile),
        ForwardedBy = parsed.GetValue(_forwardedBy) ?? [],
        ProxyProtocol = parsed.GetValue(_proxyProtocol),
        MetricsPort = parsed.GetValue(_metricsPort),
        MetricsHost = parsed.GetValue(_metricsHost) ?? System.Net.IPAddress.Loopback,
        OtlpEndpoint = parsed.GetValue(_otlpEndpoint),
        OtlpInterval = TimeSpan.FromSeconds(parsed.GetValue(_otlpInterval)),
        OtlpHeadersFile = parsed.GetValue(_otlpHeadersFile),
        Parsed = parsed,
    };
}
