using AppHost.Contract;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>Where and how a host's server is asked for /healthz: its main port, whether with TLS, and the name the request is for.</summary>
internal sealed record HealthTarget(int Port, bool Https, string HostName)
{
    /// <summary>Where the units the probe (or a reinstall) found serve, and the name their requests must carry; 443 before any unit.</summary>
    public static HealthTarget Of(Remote.HostFacts facts) => new(facts.Port ?? 443, facts.Https, HostNameIn(facts.Command));

    /// <summary>
    /// The name from the server's command line: the first --host-name, whose filter would refuse any other,
    /// else the first --acme-domain, the name its certificate is for, else localhost.
    /// </summary>
    public static string HostNameIn(IReadOnlyList<string> words) =>
        ValueOf(words, OptionNames.HostName) ?? ValueOf(words, OptionNames.AcmeDomain) ?? "localhost";

    private static string? ValueOf(IReadOnlyList<string> words, string option)
    {
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i] == option && i + 1 < words.Count)
            {
                return words[i + 1];
            }

            if (words[i].StartsWith(option + "=", StringComparison.Ordinal))
            {
                return words[i][(option.Length + 1)..];
            }
        }

        return null;
    }
}
