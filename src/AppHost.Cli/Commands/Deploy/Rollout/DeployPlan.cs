using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Service;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>What every host gets beside the release (one per processor): the units and secret files, and how its health is checked.</summary>
/// <param name="Units">File name and text of each unit, rendered by <c>apphost service</c>'s own code.</param>
/// <param name="SecretFiles">Path under /etc/apphost/NAME and content: the certificate, its key and the app's secrets.</param>
/// <param name="Health">How each restarted server is asked for /healthz.</param>
/// <param name="ForceRestart">--restart: restart even when nothing changed.</param>
/// <param name="By">Who deploys, for the host's history and lock: user@machine.</param>
internal sealed record DeployPlan(
    ServiceDefinition Service,
    IReadOnlyList<KeyValuePair<string, string>> Units,
    IReadOnlyList<KeyValuePair<string, byte[]>> SecretFiles,
    HealthTarget Health,
    bool ForceRestart,
    string By)
{
    public HostLayout Layout => new(Service.Name);

    /// <summary>The socket units among <see cref="Units"/>: the ones to enable.</summary>
    public IReadOnlyList<string> Sockets => [.. Units.Select(u => u.Key).Where(f => f.EndsWith(".socket", StringComparison.Ordinal))];

    /// <summary>
    /// What the release's --check is given: the app's own options, and --metrics-port when the units pass a
    /// metrics socket, so a build without metrics is refused before it takes over rather than failing to start.
    /// </summary>
    public IReadOnlyList<string> CheckedArguments => Service.Metrics is { } metrics
        ? [.. Service.App.Arguments, OptionNames.MetricsPort, metrics.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]
        : Service.App.Arguments;

    /// <summary>How long a restarted server gets to answer /healthz with 200: enough for an ACME order on first start.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Release folders kept on each host beyond the current one, for rollback.</summary>
    public int KeepReleases { get; init; } = 5;
}
