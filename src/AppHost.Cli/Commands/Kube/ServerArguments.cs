using AppHost.Contract;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// The server's command line in the pod: the container's <c>args</c>, after the image's entrypoint
/// (the app's file). The same standard options <c>apphost service</c> writes into ExecStart=, then
/// the app's own.
/// </summary>
internal static class ServerArguments
{
    /// <summary>Where the kubernetes.io/tls Secret is mounted; its keys tls.crt and tls.key are files there.</summary>
    public const string TlsFolder = "/etc/apphost/tls";

    /// <summary>Where the --secret files are mounted, as systemd's credentials are under /run/credentials; the app finds it in $CREDENTIALS_DIRECTORY.</summary>
    public const string CredentialsFolder = "/run/credentials/app";

    /// <summary>What the metrics listener binds: every IPv4 address of the pod, so Prometheus reaches it at the pod's IP.</summary>
    public const string MetricsHost = "0.0.0.0";

    public static IReadOnlyList<string> Create(KubeDefinition kube)
    {
        var arguments = new List<string> { OptionNames.Port, Number(kube.Port) };
        if (kube.ServesHttps)
        {
            // The Secret's files through their symlinks: cert-manager's renewal swaps them, and the server reloads.
            arguments.AddRange([OptionNames.Cert, $"{TlsFolder}/tls.crt", OptionNames.Key, $"{TlsFolder}/tls.key"]);
        }

        if (kube.HttpPort is int httpPort)
        {
            arguments.AddRange([OptionNames.HttpPort, Number(httpPort)]);
        }

        foreach (var network in kube.ForwardedBy)
        {
            arguments.AddRange([OptionNames.ForwardedBy, network.ToString()]);
        }

        if (kube.ProxyProtocol)
        {
            arguments.Add(OptionNames.ProxyProtocol);
        }

        if (kube.MetricsPort is int metricsPort)
        {
            // The server's default, 127.0.0.1, is the pod's own loopback: Prometheus connects from another pod, to the pod's IP.
            arguments.AddRange([OptionNames.MetricsPort, Number(metricsPort), OptionNames.MetricsHost, MetricsHost]);
        }

        // JSON lines for the cluster's log collector; the timeout stated, as the grace period counts on it.
        arguments.AddRange([OptionNames.LogFormat, "json", OptionNames.ShutdownTimeout, Number(kube.ShutdownSeconds)]);
        arguments.AddRange(kube.App.Arguments);
        return arguments;
    }

    /// <summary>
    /// The host name the probes must name for a server given --host-name, which answers 400 to any
    /// other (the kubelet's default Host is the pod's IP); null when any host is served. A wildcard
    /// name (*.example.com) is stood for by one name under it.
    /// </summary>
    public static string? ProbeHost(KubeDefinition kube)
    {
        var words = kube.App.Arguments;
        for (int i = 0; i < words.Count; i++)
        {
            string? name = words[i] == OptionNames.HostName && i + 1 < words.Count ? words[i + 1]
                : words[i].StartsWith(OptionNames.HostName + "=", StringComparison.Ordinal) ? words[i][(OptionNames.HostName.Length + 1)..]
                : null;
            if (name is not null)
            {
                return name.StartsWith("*.", StringComparison.Ordinal) ? "kubelet" + name[1..] : name;
            }
        }

        return null;
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
