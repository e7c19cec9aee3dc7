using AppHost.Cli.Commands.Kube.Yaml;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// The server's container: its command line, ports, probes, the pause before SIGTERM, its sandbox,
/// its resources and its settings.
/// </summary>
internal static class ContainerManifest
{
    /// <summary>The path every probe asks: 200 while serving, 503 once the drain has begun.</summary>
    public const string HealthPath = "/healthz";

    // Requests: what the scheduler sets aside. docs/kubernetes.md has the figures: the native file's RSS idle
    // and under HTTP/1.1 and HTTP/2 load over TLS. The memory request covers the loaded figure with room.
    private const string MemoryRequest = "64Mi";

    // A share for scheduling: the server answered tens of thousands of requests a second on 2 cores, far above a
    // small site's load. No CPU limit: the CFS quota throttles in 100 ms slices, turning a burst into latency.
    private const string CpuRequest = "100m";

    // Four times the request: bursts of connections and the GC's headroom fit, and .NET sizes its heap to 75% of it.
    // A slow-connection attack (100-150 KiB a TLS connection) meets it after about 1,500: the pod restarts, the node lives.
    private const string MemoryLimit = "256Mi";

    public static void Write(YamlText yaml, KubeDefinition kube)
    {
        using var container = yaml.Item();
        yaml.Scalar("name", kube.Name);
        yaml.Scalar("image", kube.Image);
        yaml.Comment("The image's entrypoint is the app's file; these are its options, as apphost service writes them into ExecStart=.");
        using (yaml.Sequence("args"))
        {
            foreach (string argument in ServerArguments.Create(kube))
            {
                yaml.Item(argument);
            }
        }

        WritePorts(yaml, kube);
        WriteProbes(yaml, kube);
        using (yaml.Mapping("lifecycle"))
        {
            using var preStop = yaml.Mapping("preStop");
            yaml.Comment("Deletion removes the pod from Services and ingresses while this pause runs, but each kube-proxy and\n"
                + "ingress controller learns of it on its own watch: meanwhile they still send requests, which the server,\n"
                + "not yet signalled, serves. The kubelet's own sleep (GA in Kubernetes 1.32): the image has no shell to run one.");
            using var sleep = yaml.Mapping("sleep");
            yaml.Scalar("seconds", kube.PreStopSeconds);
        }

        using (yaml.Mapping("securityContext"))
        {
            yaml.Comment("No setuid program or file capability can raise the server's privileges (NoNewPrivileges=yes).");
            yaml.Scalar("allowPrivilegeEscalation", false);
            yaml.Comment("The server writes nothing but its log (stdout) and request bodies in /tmp (ProtectSystem=strict).");
            yaml.Scalar("readOnlyRootFilesystem", true);
            using var capabilities = yaml.Mapping("capabilities");
            yaml.Comment("No capabilities at all: the ports are above 1023 (CapabilityBoundingSet=).");
            yaml.FlowSequence("drop", ["ALL"]);
        }

        using (yaml.Mapping("resources"))
        {
            using (yaml.Mapping("requests"))
            {
                yaml.Comment("From the native file's measured RSS, idle and under load (docs/kubernetes.md).");
                yaml.Scalar("memory", MemoryRequest);
                yaml.Scalar("cpu", CpuRequest);
            }

            using var limits = yaml.Mapping("limits");
            yaml.Comment("Memory only: past it the pod restarts rather than starve the node. No CPU limit, which would throttle bursts.");
            yaml.Scalar("memory", MemoryLimit);
        }

        WriteEnvironment(yaml, kube);
        WriteMounts(yaml, kube);
    }

    private static void WritePorts(YamlText yaml, KubeDefinition kube)
    {
        using var ports = yaml.Sequence("ports");
        WritePort(yaml, KubeManifests.MainPortName(kube), kube.Port);
        if (kube.HttpPort is int httpPort)
        {
            WritePort(yaml, KubeManifests.RedirectPortName, httpPort);
        }

        if (kube.MetricsPort is int metricsPort)
        {
            WritePort(yaml, KubeManifests.MetricsPortName, metricsPort);
        }
    }

    private static void WritePort(YamlText yaml, string name, int port)
    {
        using var item = yaml.Item();
        yaml.Scalar("name", name);
        yaml.Scalar("containerPort", port);
    }

    private static void WriteProbes(YamlText yaml, KubeDefinition kube)
    {
        yaml.Comment("Polled every second from start, so a new pod takes traffic within a second of answering;\n30 failures (30 s) and the container is restarted. The other probes wait until this one passes.");
        using (yaml.Mapping("startupProbe"))
        {
            WriteHealthCheck(yaml, kube, explainHost: true);
            yaml.Scalar("periodSeconds", 1);
            yaml.Scalar("failureThreshold", 30);
        }

        yaml.Comment("Out of the Service after two failures 5 s apart; 503 while draining, should SIGTERM come without a deletion.");
        using (yaml.Mapping("readinessProbe"))
        {
            WriteHealthCheck(yaml, kube, explainHost: false);
            yaml.Scalar("periodSeconds", 5);
            yaml.Scalar("failureThreshold", 2);
        }

        yaml.Comment("30 s without an answer means a hang (deadlock, starved thread pool): restart, as systemd's WatchdogSec=30.\n"
            + "The kubelet stops this probe once the pod is being deleted, so the drain's 503 does not cut it short.");
        using var liveness = yaml.Mapping("livenessProbe");
        WriteHealthCheck(yaml, kube, explainHost: false);
        yaml.Scalar("periodSeconds", 10);
        yaml.Scalar("timeoutSeconds", 5);
        yaml.Scalar("failureThreshold", 3);
    }

    private static void WriteHealthCheck(YamlText yaml, KubeDefinition kube, bool explainHost)
    {
        using var get = yaml.Mapping("httpGet");
        yaml.Scalar("path", HealthPath);
        yaml.Scalar("port", KubeManifests.MainPortName(kube));
        if (kube.ServesHttps)
        {
            // The kubelet does not check the certificate: the probe is about the server, not the name.
            yaml.Scalar("scheme", "HTTPS");
        }

        if (ServerArguments.ProbeHost(kube) is { } host)
        {
            using var headers = yaml.Sequence("httpHeaders");
            using var item = yaml.Item();
            if (explainHost)
            {
                yaml.Comment("--host-name answers 400 to any other name; the kubelet's Host would be the pod's IP.");
            }

            yaml.Scalar("name", "Host");
            yaml.Scalar("value", host);
        }
    }

    private static void WriteEnvironment(YamlText yaml, KubeDefinition kube)
    {
        if (kube.App.Environment.Count > 0 || kube.App.Secrets.Count > 0)
        {
            using var env = yaml.Sequence("env");
            foreach (var (name, value) in kube.App.Environment)
            {
                using var item = yaml.Item();
                yaml.Scalar("name", name);
                yaml.Scalar("value", value);
            }

            if (kube.App.Secrets.Count > 0)
            {
                using var item = yaml.Item();
                yaml.Comment("Where the --secret files are, as systemd tells a service.");
                yaml.Scalar("name", "CREDENTIALS_DIRECTORY");
                yaml.Scalar("value", ServerArguments.CredentialsFolder);
            }
        }

        if (kube.EnvironmentSecrets.Count > 0)
        {
            yaml.Comment("Every key of these Secrets as an environment variable, as --env-file's lines on a server.");
            using var envFrom = yaml.Sequence("envFrom");
            foreach (string secret in kube.EnvironmentSecrets)
            {
                using var item = yaml.Item();
                using var secretRef = yaml.Mapping("secretRef");
                yaml.Scalar("name", secret);
            }
        }
    }

    private static void WriteMounts(YamlText yaml, KubeDefinition kube)
    {
        using var mounts = yaml.Sequence("volumeMounts");
        Mount(yaml, DeploymentManifest.TmpVolume, "/tmp", readOnly: false);
        if (kube.ServesHttps)
        {
            Mount(yaml, DeploymentManifest.TlsVolume, ServerArguments.TlsFolder, readOnly: true);
        }

        if (kube.App.Secrets.Count > 0)
        {
            Mount(yaml, DeploymentManifest.CredentialsVolume, ServerArguments.CredentialsFolder, readOnly: true);
        }
    }

    private static void Mount(YamlText yaml, string volume, string path, bool readOnly)
    {
        using var item = yaml.Item();
        yaml.Scalar("name", volume);
        yaml.Scalar("mountPath", path);
        if (readOnly)
        {
            yaml.Scalar("readOnly", true);
        }
    }
}
