using System.Buffers;
using System.Text.RegularExpressions;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// What the systemd units of an app are made of, checked once: every value here can be written
/// into a unit file as it is, and names something the hardened service can see.
/// </summary>
internal sealed partial record ServiceDefinition
{
    // The socket units beside NAME.socket: NAME-http.socket (the redirect) and NAME-metrics.socket.
    private const string RedirectSuffix = "-http";
    private const string MetricsSuffix = "-metrics";

    // systemd limits a unit name to 255 characters; the longest file written is NAME-metrics.socket.
    private const int MaxNameLength = 255 - 15;

    // Shown in errors: the characters a path may hold.
    private const string AllowedInPathText = "letters, digits and / . _ - + @ , = : ~";

    // Quotes, spaces, '$', '%' and '\' mean something in a unit file; rather than escape them, paths may not hold them.
    private static readonly SearchValues<char> AllowedInPath =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+@,=:~");

    private static readonly string[] Suffixes = [".service", ".socket"];

    // ProtectHome=yes and PrivateTmp=yes hide these from the service: a file there cannot be run or read.
    private static readonly (string Folder, string Setting)[] HiddenFolders =
        [("/home", "ProtectHome=yes"), ("/root", "ProtectHome=yes"), ("/run/user", "ProtectHome=yes"), ("/tmp", "PrivateTmp=yes"), ("/var/tmp", "PrivateTmp=yes")];

    private ServiceDefinition(string name, string binary, int port, int? httpPort, string? certificate, string? key, string? user, AcmeSettings? acme)
    {
        Acme = acme;
        Name = name;
        Binary = binary;
        Port = port;
        HttpPort = httpPort;
        Certificate = certificate;
        Key = key;
        User = user;
    }

    /// <summary>The unit name without suffix, for example <c>shop</c> for shop.service and shop.socket.</summary>
    public string Name { get; }

    /// <summary>The app's native file on the server, absolute.</summary>
    public string Binary { get; }

    /// <summary>The port the server answers on: HTTPS with a certificate, plain HTTP without.</summary>
    /// <remarks>Defaults to 443 with a certificate and 80 without.</remarks>
    public int Port { get; }

    /// <summary>The plain HTTP port that redirects to HTTPS; null for none.</summary>
    /// <remarks>Defaults to 80 with a certificate; there is none without one, as there is nothing to redirect to.</remarks>
    public int? HttpPort { get; }

    /// <summary>The HTTPS certificate on the server (a .pfx, or PEM with <see cref="Key"/>); null for plain HTTP.</summary>
    public string? Certificate { get; }

    /// <summary>The PEM private key of a PEM certificate; null when the key is inside the certificate file.</summary>
    public string? Key { get; }

    /// <summary>The existing user the server runs as; null for a dynamic user made for the service.</summary>
    public string? User { get; }

    /// <summary>Automatic HTTPS: the names the server gets its certificates for from an ACME CA; null with a certificate file or plain HTTP.</summary>
    public AcmeSettings? Acme { get; }

    /// <summary>The load balancers whose X-Forwarded-For and X-Forwarded-Proto the server believes (--forwarded-by); empty for none.</summary>
    public IReadOnlyList<System.Net.IPNetwork> ForwardedBy { get; private init; } = [];

    /// <summary>Whether every socket expects the balancer's PROXY protocol header (--proxy-protocol).</summary>
    public bool ProxyProtocol { get; private init; }

    /// <summary>Where the metrics socket listens (--metrics-host and --metrics-port); null for no metrics.</summary>
    public System.Net.IPEndPoint? Metrics { get; private init; }

    /// <summary>The app's own options, environment variables and secrets.</summary>
    public AppSettings App { get; private init; } = AppSettings.None;

    /// <summary>True when the server speaks HTTPS: with a certificate file or with ACME.</summary>
    public bool ServesHttps => Certificate is not null || Acme is not null;

    /// <summary>The socket unit of the HTTP-to-HTTPS redirect, when there is one.</summary>
    public string RedirectSocketName => Name + RedirectSuffix;

    /// <summary>The socket unit of the metrics listener, when there is one.</summary>
    public string MetricsSocketName => Name + MetricsSuffix;

    /// <summary>Every unit file an app of this name may have, whichever options it was given: what a host may hold from an earlier deploy.</summary>
    public static string[] UnitFileNames(string name) => [$"{name}.service", $"{name}.socket", $"{name}{RedirectSuffix}.socket", $"{name}{MetricsSuffix}.socket"];

    /// <summary>The socket units' names, without suffix: the main one, then the redirect's and the metrics', when there are.</summary>
    public IReadOnlyList<string> SocketUnits =>
        [Name, .. HttpPort is null ? Array.Empty<string>() : [RedirectSocketName], .. Metrics is null ? Array.Empty<string>() : [MetricsSocketName]];

    /// <summary>Checks the values and applies the defaults of the ports left out (null).</summary>
    /// <remarks>Each value has passed the server's syntax (<see cref="ValueSyntax"/>): ports are from 0 to 65535, and an --http-port of 0 means none.</remarks>
    /// <exception cref="ArgumentException">A value is not valid; the message names the option, quotes the value and says the fix.</exception>
    public static ServiceDefinition Create(string name, string binary, int? port, int? httpPort, string? certificate, string? key, string? user, AcmeSettings? acme = null,
        IReadOnlyList<System.Net.IPNetwork>? forwardedBy = null, bool proxyProtocol = false, AppSettings? app = null, System.Net.IPEndPoint? metrics = null)
    {
        CheckName(name);
        binary = CheckPath("--binary", binary, "give where the app's file will be on the server, for example /opt/shop/shop", mustBeVisible: true);
        if (port == 0)
        {
            // The server's --port 0 picks a free port at each start; the socket unit is where clients find the server.
            throw new ArgumentException($"{OptionNames.Port} 0 would listen on a different port at each start: give the port clients connect to, from 1 to 65535");
        }

        bool https = certificate is not null || acme is { Domains.Count: > 0 };
        int mainPort = port ?? (https ? 443 : 80);
        int redirectPort = httpPort ?? (https ? 80 : 0);
        // The server's own rules across its options, applied to the command line the units will run.
        var chosen = new OptionRules.Choices(
            Certificate: certificate is not null,
            CertificatePart: key is not null,
            Acme: acme is { Domains.Count: > 0 },
            AcmePart: acme is { HasAccountOrCaOptions: true },
            Port: mainPort,
            HttpPort: redirectPort == 0 ? null : redirectPort,
            ForwardedBy: forwardedBy is { Count: > 0 },
            ProxyProtocol: proxyProtocol);
        if (OptionRules.FindProblem(chosen) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        if (metrics is not null)
        {
            CheckMetricsPort(metrics.Port, mainPort, redirectPort);
        }

        if (user is not null)
        {
            CheckUser(user);
        }

        // With a dynamic user, systemd itself reads the certificate (LoadCredential=), outside the
        // sandbox; a given user reads it from inside, where some folders are hidden.
        const string certificateFix = "give where the file is on the server, for example /etc/ssl/shop.pem";
        certificate = certificate is null ? null : CheckPath(OptionNames.Cert, certificate, certificateFix, mustBeVisible: user is not null);
        key = key is null ? null : CheckPath(OptionNames.Key, key, certificateFix.Replace("shop.pem", "shop.key", StringComparison.Ordinal), mustBeVisible: user is not null);
        if (acme?.CaFile is { } caFile)
        {
            // As the certificate: with a dynamic user systemd reads it (LoadCredential=); a given user reads it from inside the sandbox.
            acme = acme with { CaFile = CheckPath(OptionNames.AcmeCaFile, caFile, "give where the CA's PEM root is on the server, for example /etc/shop/ca.pem", mustBeVisible: user is not null) };
        }

        foreach (var (secret, path) in app?.Secrets ?? [])
        {
            // systemd reads it as root, outside the sandbox (LoadCredential=), whichever user the service runs as.
            CheckPath($"--secret {secret}", path, "give where the file is on the server, for example /etc/shop/database-url", mustBeVisible: false);
        }

        if (app?.EnvironmentFile is { } environmentFile)
        {
            // systemd reads it as root before the sandbox exists, whichever user the service runs as.
            CheckPath("--env-file", environmentFile, "give where the file is on the server, for example /etc/shop/environment", mustBeVisible: false);
        }

        return new ServiceDefinition(name, binary, mainPort, redirectPort == 0 ? null : redirectPort, certificate, key, user, acme)
        {
            ForwardedBy = forwardedBy ?? [],
            ProxyProtocol = proxyProtocol,
            App = app ?? AppSettings.None,
            Metrics = metrics,
        };
    }

    private static void CheckMetricsPort(int metricsPort, int mainPort, int redirectPort)
    {
        if (metricsPort == 0)
        {
            throw new ArgumentException($"{OptionNames.MetricsPort} 0 would listen on a different port at each start: give the port Prometheus scrapes, from 1 to 65535 (for example 9100)");
        }

        // The main and redirect sockets listen on every address, so the metrics socket cannot share their port on any.
        if (metricsPort == mainPort || metricsPort == redirectPort)
        {
            string other = metricsPort == mainPort ? OptionNames.Port : OptionNames.HttpPort;
            throw new ArgumentException($"{OptionNames.MetricsPort} {metricsPort} is also the {other} port; give the metrics a port of their own, for example 9100");
        }
    }

    private static void CheckName(string name)
    {
        foreach (string suffix in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"name '{name}' ends in '{suffix}'; give the name alone ({name[..^suffix.Length]}), the tool adds .service and .socket");
            }
        }

        if (name.Length > MaxNameLength || !UnitName().IsMatch(name))
        {
            throw new ArgumentException($"name '{name}' is not a unit name: use letters, digits, '-', '_' and '.', starting with a letter or digit, at most {MaxNameLength} characters (for example shop)");
        }
    }

    private static string CheckPath(string option, string path, string fix, bool mustBeVisible)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"{option} '{path}' is not an absolute path; {fix}");
        }

        int bad = path.AsSpan().IndexOfAnyExcept(AllowedInPath);
        if (bad >= 0)
        {
            throw new ArgumentException($"{option} '{path}' holds '{path[bad]}'; use a path of {AllowedInPathText} only");
        }

        if (path.EndsWith('/'))
        {
            throw new ArgumentException($"{option} '{path}' names a folder; {fix}");
        }

        string normalized = Normalize(path);
        foreach (var (folder, setting) in mustBeVisible ? HiddenFolders : [])
        {
            if (normalized.StartsWith(folder + "/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{option} '{path}' is under {folder}, which the service cannot see ({setting}); move the file, for example under /opt or /etc");
            }
        }

        return normalized;
    }

    // systemd wants normalized paths: no '.', '..' or '//' parts. Done by hand, as the path is for
    // a Linux server and Path.GetFullPath would make it a Windows path on Windows.
    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                // As the kernel has it, the parent of the root is the root.
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    private static void CheckUser(string user)
    {
        if (user is "root")
        {
            throw new ArgumentException($"--user '{user}' would run the server with every privilege; leave out --user for a dynamic user made for the service");
        }

        if (!UserName().IsMatch(user))
        {
            throw new ArgumentException($"--user '{user}' is not a user name: use letters, digits, '_' and '-', starting with a letter or '_', at most 32 characters");
        }
    }

    // The characters systemd accepts in a unit name, less '@' (templates), ':' and '\' (escapes).
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex UnitName();

    // The portable user names of useradd and systemd's strict check.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex UserName();
}
