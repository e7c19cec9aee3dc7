using System.Text.RegularExpressions;
using AppHost.Cli.Commands.Service;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// What the Kubernetes manifests of an app are made of, checked once: every value here is one the
/// API server accepts where the manifests put it, and one the server's command line accepts.
/// </summary>
internal sealed partial record KubeDefinition
{
    // Ports below this need CAP_NET_BIND_SERVICE, which the pod drops with every other capability.
    private const int FirstUnprivilegedPort = 1024;

    // A typo guard: past this a number is more likely a slip than a plan, and the PDB's one-at-a-time drain would take hours.
    private const int MaxReplicas = 1000;

    // The usual alternates of 443 and 80, above 1023: the container has no capabilities.
    private const int DefaultHttpsPort = 8443;
    private const int DefaultHttpPort = 8080;

    // The usual port of a Prometheus exporter, for the examples in messages.
    private const int ExampleMetricsPort = 9100;

    // Two, so the disruption budget can let one go (a node drain) while the other serves.
    private const int DefaultReplicas = 2;

    // The non-root user of the image apphost publish --container builds (and distroless's "nonroot").
    private const long DefaultUserId = 65532;

    // The server's own default --shutdown-timeout (ServerDefaults.ShutdownTimeout), stated in the args because the grace period counts on it.
    private const int DefaultShutdownSeconds = 30;

    // Endpoint removal reaches every node's kube-proxy and each ingress controller on its own watch: about a second
    // on a quiet cluster, several on a busy one. A cloud load balancer's deregistration may need more (--pre-stop-seconds).
    private const int DefaultPreStopSeconds = 10;

    /// <summary>The objects' name and their app.kubernetes.io/name label, for example <c>shop</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The image to run, for example <c>ghcr.io/acme/shop:1.4</c>; its entrypoint is the app's file.</summary>
    public required string Image { get; init; }

    /// <summary>The container's port: HTTPS with <see cref="TlsSecret"/>, plain HTTP without.</summary>
    /// <remarks>Defaults to 8443 with a TLS Secret and 8080 without: above 1023, as the container has no capabilities.</remarks>
    public required int Port { get; init; }

    /// <summary>The container's plain HTTP port that redirects to HTTPS; null for none.</summary>
    /// <remarks>Defaults to none: on Kubernetes an ingress or load balancer usually answers port 80.</remarks>
    public int? HttpPort { get; init; }

    /// <summary>The kubernetes.io/tls Secret whose tls.crt and tls.key the server serves HTTPS with; null for plain HTTP.</summary>
    public string? TlsSecret { get; init; }

    /// <summary>How many pods run.</summary>
    /// <remarks>Defaults to 2: the disruption budget can then let one go (a node drain) while the other serves.</remarks>
    public required int Replicas { get; init; }

    /// <summary>The numeric user and group the server runs as.</summary>
    /// <remarks>Defaults to 65532, the non-root user of the image <c>apphost publish --container</c> builds (and distroless's "nonroot").</remarks>
    public required long UserId { get; init; }

    /// <summary>Seconds in-flight requests get after SIGTERM, passed as the server's --shutdown-timeout.</summary>
    /// <remarks>Defaults to 30, the server's own default.</remarks>
    public required int ShutdownSeconds { get; init; }

    /// <summary>Seconds the pod keeps serving after it is marked for deletion, before SIGTERM, while Services and ingresses drop it.</summary>
    /// <remarks>Defaults to 10: endpoint removal takes a second or several to reach every node and ingress.</remarks>
    public required int PreStopSeconds { get; init; }

    /// <summary>The container port of Prometheus's /metrics; null for no metrics.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The load balancers whose X-Forwarded-For and -Proto the server believes (--forwarded-by).</summary>
    public IReadOnlyList<System.Net.IPNetwork> ForwardedBy { get; init; } = [];

    /// <summary>Whether every connection starts with the balancer's PROXY protocol header (--proxy-protocol).</summary>
    public bool ProxyProtocol { get; init; }

    /// <summary>The app's own options, its environment, and its secrets: each NAME=SECRET, the key NAME of the Kubernetes Secret SECRET.</summary>
    public AppSettings App { get; init; } = AppSettings.None;

    /// <summary>Kubernetes Secrets whose every key becomes an environment variable (envFrom), for what --env-file holds on a server.</summary>
    public IReadOnlyList<string> EnvironmentSecrets { get; init; } = [];

    /// <summary>True when the server speaks HTTPS, from <see cref="TlsSecret"/>.</summary>
    public bool ServesHttps => TlsSecret is not null;

    /// <summary>Checks the values and applies the defaults of those left out (null).</summary>
    /// <exception cref="ArgumentException">A value is not valid; the message names the option, quotes the value and says the fix.</exception>
    public static KubeDefinition Create(string name, string image, int? port, int? httpPort, string? tlsSecret, int? replicas, long? userId,
        int? shutdownSeconds, int? preStopSeconds, int? metricsPort, IReadOnlyList<System.Net.IPNetwork> forwardedBy, bool proxyProtocol,
        AppSettings app, IReadOnlyList<string> environmentSecrets)
    {
        CheckObjectName("name", name, "shop");
        CheckImage(image);
        if (tlsSecret is not null)
        {
            CheckObjectName("--tls-secret", tlsSecret, "shop-tls");
        }

        int defaultPort = tlsSecret is null ? DefaultHttpPort : DefaultHttpsPort;
        int mainPort = port ?? defaultPort;
        CheckPort(OptionNames.Port, mainPort, defaultPort);
        if (httpPort is int redirect)
        {
            CheckPort(OptionNames.HttpPort, redirect, DefaultHttpPort);
            if (tlsSecret is null)
            {
                throw new ArgumentException($"{OptionNames.HttpPort} {redirect} redirects to HTTPS, which needs a certificate: add --tls-secret NAME, or leave out {OptionNames.HttpPort}");
            }
        }

        // The server's own rules across its options (a redirect on the main port, --proxy-protocol without --forwarded-by).
        var chosen = new OptionRules.Choices(Certificate: tlsSecret is not null, CertificatePart: false, Acme: false, AcmePart: false,
            Port: mainPort, HttpPort: httpPort, ForwardedBy: forwardedBy.Count > 0, ProxyProtocol: proxyProtocol);
        if (OptionRules.FindProblem(chosen) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        if (metricsPort is int metrics)
        {
            CheckPort(OptionNames.MetricsPort, metrics, ExampleMetricsPort);
            if (metrics == mainPort || metrics == httpPort)
            {
                throw new ArgumentException($"{OptionNames.MetricsPort} {metrics} is also the {(metrics == mainPort ? OptionNames.Port : OptionNames.HttpPort)} port; give the metrics a port of their own, for example {ExampleMetricsPort}");
            }
        }

        if (preStopSeconds == 0)
        {
            throw new ArgumentException($"--pre-stop-seconds 0 would signal the server while Services still send it requests, which would be lost; give at least 1, for example {DefaultPreStopSeconds}");
        }

        if (replicas is < 1 or > MaxReplicas)
        {
            throw new ArgumentException($"--replicas {replicas} is not from 1 to {MaxReplicas}; give how many pods serve, for example {DefaultReplicas}");
        }

        // 0 is root; runAsNonRoot refuses it, and the kernel's user IDs end below 2^32 - 1 (which means "none").
        if (userId is < 1 or >= uint.MaxValue)
        {
            throw new ArgumentException($"--uid {userId} is not a non-root user ID from 1 to {uint.MaxValue - 1}; give the image's user, for example {DefaultUserId}");
        }

        foreach (var (secret, kubernetesSecret) in app.Secrets)
        {
            CheckObjectName($"--secret {secret}", kubernetesSecret, "shop-secrets");
        }

        foreach (string secret in environmentSecrets)
        {
            CheckObjectName("--env-secret", secret, "shop-env");
        }

        return new KubeDefinition
        {
            Name = name,
            Image = image,
            Port = mainPort,
            HttpPort = httpPort,
            TlsSecret = tlsSecret,
            MetricsPort = metricsPort,
            ForwardedBy = forwardedBy,
            ProxyProtocol = proxyProtocol,
            App = app,
            EnvironmentSecrets = [.. environmentSecrets.Distinct(StringComparer.Ordinal)],
            Replicas = replicas ?? DefaultReplicas,
            UserId = userId ?? DefaultUserId,
            ShutdownSeconds = shutdownSeconds ?? DefaultShutdownSeconds,
            PreStopSeconds = preStopSeconds ?? DefaultPreStopSeconds,
        };
    }

    private static void CheckPort(string option, int port, int example)
    {
        if (port == 0)
        {
            // The server's 0 picks a free port at each start; probes and the Service need to know it.
            throw new ArgumentException($"{option} 0 would listen on a different port at each start: give the container's port, for example {example}");
        }

        if (port < FirstUnprivilegedPort)
        {
            throw new ArgumentException($"{option} {port} needs CAP_NET_BIND_SERVICE, which the pod drops; give a port from {FirstUnprivilegedPort} up, for example {example} (the Service answers on 443 and 80)");
        }
    }

    // Services and Secrets are named by DNS-1035 and DNS-1123 labels; the stricter (starting with a letter) fits both.
    private static void CheckObjectName(string option, string name, string example)
    {
        if (!ObjectName().IsMatch(name))
        {
            throw new ArgumentException($"{option} '{name}' is not a Kubernetes name: use lower-case letters, digits and '-', starting with a letter, at most 63 characters (for example {example})");
        }
    }

    private static void CheckImage(string image)
    {
        if (!ImageReference().IsMatch(image))
        {
            throw new ArgumentException($"--image '{image}' is not an image reference: give [REGISTRY/]PATH:TAG or [REGISTRY/]PATH@sha256:DIGEST, the path in lower case (for example ghcr.io/acme/shop:1.0)");
        }

        // A Deployment rolls out only when its pod template changes; an image without a tag is always "latest".
        if (!image.Contains('@', StringComparison.Ordinal) && !image[(image.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"--image '{image}' has no tag or digest, so a new build would not roll out: give {image}:1.0 or {image}@sha256:DIGEST");
        }
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex ObjectName();

    // The distribution reference grammar, kept to what matters here: an optional registry with a port, lower-case path
    // parts joined by '.', '_', '__' or '-', an optional tag, an optional sha256 digest.
    [GeneratedRegex("^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$")]
    private static partial Regex ImageReference();
}
