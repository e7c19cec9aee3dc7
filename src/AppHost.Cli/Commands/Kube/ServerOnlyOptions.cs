using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Service;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// The options of <c>apphost service</c> that name something on one server (a file, a folder, the
/// loopback address) and have a Kubernetes way instead. kube parses them, out of its help, so that
/// a command line carried over from service is answered with that way rather than "unknown option".
/// </summary>
internal static class ServerOnlyOptions
{
    /// <summary>Hides the options from kube's help; <see cref="Refuse"/> then answers them.</summary>
    public static void Hide(ServiceOptions served)
    {
        foreach (Option option in (Option[])[served.Cert, served.Key, served.AcmeDomains, served.AcmeEmail, served.AcmeDirectory, served.AcmeCaFile,
            served.MetricsHost, served.EnvironmentFile])
        {
            option.Hidden = true;
        }
    }

    /// <exception cref="CliException">One of them was given; the message says what to use on Kubernetes.</exception>
    public static void Refuse(ParseResult parsed, ServiceOptions served)
    {
        if (parsed.GetValue(served.Cert) is not null || parsed.GetValue(served.Key) is not null)
        {
            throw Usage($"{OptionNames.Cert} and {OptionNames.Key} name files on a server; on Kubernetes the certificate is a kubernetes.io/tls Secret"
                + " (cert-manager's, or kubectl create secret tls shop-tls --cert=FILE --key=FILE): give --tls-secret shop-tls");
        }

        if (parsed.GetValue(served.AcmeDomains) is { Length: > 0 } || (parsed.GetValue(served.AcmeEmail) ?? parsed.GetValue(served.AcmeDirectory)?.OriginalString
            ?? parsed.GetValue(served.AcmeCaFile)) is not null)
        {
            throw Usage($"{OptionNames.AcmeDomain} would have every pod order its own certificates into a read-only root;"
                + " on Kubernetes cert-manager gets them into a Secret: give --tls-secret NAME");
        }

        if (parsed.GetValue(served.MetricsHost) is { } host)
        {
            throw Usage($"{OptionNames.MetricsHost} {host}: in a pod the metrics listen on {ServerArguments.MetricsHost}, as Prometheus scrapes the pod's IP; leave it out");
        }

        if (parsed.GetValue(served.EnvironmentFile) is { } file)
        {
            throw Usage($"--env-file '{file}' names a file on a server; on Kubernetes keep its lines in a Secret"
                + $" (kubectl create secret generic shop-env --from-env-file={file}) and give --env-secret shop-env");
        }
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
