using System.CommandLine;
using System.Globalization;
using System.Text;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Service;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// <c>apphost kube NAME --image REF [--tls-secret NAME [--http-port N]] [--port N] [--replicas N] [--uid N] [--shutdown-timeout S] [--pre-stop-seconds S] [--metrics-port N] [--forwarded-by ADDR ... [--proxy-protocol]] [--env NAME=VALUE ...] [--env-secret SECRET ...] [--secret NAME=SECRET ...] [-o DIR] [--force] [-- APP-OPTIONS]</c>:
/// writes NAME.yaml, the Deployment, Service and PodDisruptionBudget that run the app's image, and prints its path.
/// A verb of its own rather than <c>service --kubernetes</c>: half of service's options name things on a server
/// (--binary, --user, files), and the rest, shared here, read the same words the same way.
/// </summary>
internal static class KubeCommand
{
    // Whole numbers; KubeDefinition says which are too small or too large, and why.
    private static readonly ValueSyntax<int?> Count = new("count", "a whole number, for example 2",
        (string text, out int? value) => (value = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null) is not null);

    private static readonly ValueSyntax<long?> UserId = new("id", "a numeric user ID, for example 65532",
        (string text, out long? value) => (value = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null) is not null);

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The objects' name and app.kubernetes.io/name label, for example shop: written to NAME.yaml." };
        var image = new Option<string>("--image")
        {
            Description = "The app's image, with a tag or digest, for example ghcr.io/acme/shop:1.0 (apphost publish --container builds one).",
            HelpName = "reference",
            Required = true,
        };
        var tlsSecret = new Option<string?>("--tls-secret")
        {
            Description = "A kubernetes.io/tls Secret (cert-manager's) mounted read-only for HTTPS; renewals reload without a restart. Default: plain HTTP.",
            HelpName = "secret",
        };
        var replicas = CheckedOption.Create("--replicas", "How many pods serve. Default: 2, so a node drain leaves one serving.", Count);
        var uid = CheckedOption.Create("--uid", "The numeric user and group the server runs as. Default: 65532, the user of apphost's image.", UserId);
        var shutdownTimeout = CheckedOption.Create(OptionNames.ShutdownTimeout,
            "Seconds in-flight requests get to finish after SIGTERM; the pod's grace period adds the pause and 5 s. Default: 30.", ValueSyntax.Optional(ValueSyntax.Seconds));
        var preStop = CheckedOption.Create("--pre-stop-seconds",
            "Seconds a deleted pod keeps serving before SIGTERM, while Services and ingresses forget it. Default: 10; more behind a cloud load balancer.",
            ValueSyntax.Optional(ValueSyntax.Seconds));
        var environmentSecrets = new Option<string[]>("--env-secret")
        {
            Description = "A Secret whose every key becomes an environment variable of the app (repeatable), for what --env-file holds on a server.",
            HelpName = "secret",
            AllowMultipleArgumentsPerToken = false,
        };
        var served = new ServiceOptions { SecretExample = "database-url=shop-secrets" };
        var output = CommonOptions.Output("Folder to write NAME.yaml in. Default: the current folder.");
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var command = new Command("kube", "Write Kubernetes manifests that run the app's image: rollouts and node drains lose no request, pods run as the restricted Pod Security Standard asks.")
        {
            name, image, tlsSecret, replicas, uid, shutdownTimeout, preStop, environmentSecrets, output, force,
        };
        served.AddTo(command);
        Describe(served);
        ServerOnlyOptions.Hide(served);
        command.SetAction(parsed =>
        {
            ServerOnlyOptions.Refuse(parsed, served);
            // A secret's value is the Kubernetes Secret that holds it, under the key NAME.
            var app = served.ReadAppSettings(parsed, secret => secret.Value, file => file);
            var kube = ServiceOptions.CheckedValues(() => KubeDefinition.Create(parsed.GetValue(name)!, parsed.GetValue(image)!, parsed.GetValue(served.Port),
                parsed.GetValue(served.HttpPort), parsed.GetValue(tlsSecret), parsed.GetValue(replicas), parsed.GetValue(uid), parsed.GetValue(shutdownTimeout),
                parsed.GetValue(preStop), parsed.GetValue(served.MetricsPort), parsed.GetValue(served.ForwardedBy) ?? [], parsed.GetValue(served.ProxyProtocol),
                app, parsed.GetValue(environmentSecrets) ?? []));
            string path = Path.Combine(Path.GetFullPath(parsed.GetValue(output) ?? "."), $"{kube.Name}.yaml");
            // Manifests name Secrets but hold none: readable by all, as unit files are.
            OutputFiles.WriteAll([(path, Encoding.UTF8.GetBytes(KubeManifests.Render(kube)))], OutputFiles.Public, parsed.GetValue(force), "choose another folder with -o");

            using var log = CliLog.Create();
            log.Information("Wrote {File}: {Summary}", Path.GetFileName(path), Summary(kube));
            log.Information("Next: kubectl apply -f {File}", Path.GetRelativePath(Environment.CurrentDirectory, path));
            Console.Out.WriteLine(path);
            return ExitCodes.Success;
        });
        return command;
    }

    // The shared options, described as they work in a pod.
    private static void Describe(ServiceOptions served)
    {
        served.Port.Description = "The container's port. Default: 8443 with --tls-secret, 8080 without; the Service answers on 443 or 80.";
        served.HttpPort.Description = "A container port redirecting plain HTTP to HTTPS (308), the Service's port 80. Default: none (an ingress usually answers port 80).";
        served.MetricsPort.Description = "Serve Prometheus's /metrics on this container port, annotated for scraping; the app must be built with <MetricsSupport>true</MetricsSupport>.";
        served.Environment.Description = "An environment variable for the app, NAME=VALUE (repeatable); it is written into the manifest, so never a secret.";
        served.Secrets.Description = "A secret for the app, NAME=SECRET (repeatable): the key NAME of the Kubernetes Secret SECRET, read as $CREDENTIALS_DIRECTORY/NAME as under systemd.";
        served.Secrets.HelpName = "NAME=SECRET";
    }

    private static string Summary(KubeDefinition kube)
    {
        string serves = kube.TlsSecret is { } secret ? $"HTTPS on port {kube.Port} from Secret {secret}" : $"plain HTTP on port {kube.Port}";
        string metrics = kube.MetricsPort is int port ? $", metrics on {port}" : "";
        return $"{kube.Replicas} pods of {kube.Image}, {serves}{metrics}, as user {kube.UserId}";
    }
}
