using AppHost.Cli.Commands.Kube.Yaml;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// The Deployment: the pods, rolled one at a time with none lost, sandboxed to the restricted Pod
/// Security Standard. The container itself is <see cref="ContainerManifest"/>'s.
/// </summary>
internal static class DeploymentManifest
{
    /// <summary>The name of the pod volume that holds the TLS Secret.</summary>
    public const string TlsVolume = "tls";

    /// <summary>The name of the pod volume that holds the --secret files.</summary>
    public const string CredentialsVolume = "credentials";

    /// <summary>The name of the pod volume mounted at /tmp.</summary>
    public const string TmpVolume = "tmp";

    // Seconds between the end of the drain (--shutdown-timeout) and SIGKILL: time to finish logging and exit, as ServiceUnit's.
    private const int ExitSeconds = 5;

    // Owner and group may read; others may not (0440). The group is the pod's fsGroup, so only the server reads its keys.
    private const int SecretFileMode = 0b100_100_000;

    public static void Write(YamlText yaml, KubeDefinition kube)
    {
        KubeManifests.WriteHead(yaml, "apps/v1", "Deployment", kube);
        using var spec = yaml.Mapping("spec");
        yaml.Comment(kube.Replicas > 1
            ? $"{kube.Replicas} pods: the disruption budget lets one go at a time (a node drain) while the rest serve."
            : "One pod: a node drain or an eviction stops the site until it runs elsewhere; give --replicas 2 to avoid that.");
        yaml.Scalar("replicas", kube.Replicas);
        using (yaml.Mapping("selector"))
        {
            using var matchLabels = yaml.Mapping("matchLabels");
            KubeManifests.WriteSelector(yaml, kube);
        }

        using (yaml.Mapping("strategy"))
        {
            yaml.Scalar("type", "RollingUpdate");
            using var rolling = yaml.Mapping("rollingUpdate");
            yaml.Comment("A new pod starts and is ready before an old one stops: the serving count never drops during a rollout.");
            yaml.Scalar("maxUnavailable", 0);
            yaml.Scalar("maxSurge", 1);
        }

        using var template = yaml.Mapping("template");
        using (yaml.Mapping("metadata"))
        {
            using (yaml.Mapping("labels"))
            {
                KubeManifests.WriteLabels(yaml, kube);
            }

            if (kube.MetricsPort is int metricsPort)
            {
                using var annotations = yaml.Mapping("annotations");
                yaml.Comment("Prometheus's Kubernetes discovery (role: pod) scrapes pods annotated so, at the pod's IP.");
                yaml.Scalar("prometheus.io/scrape", "true");
                yaml.Scalar("prometheus.io/port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
                yaml.Scalar("prometheus.io/path", "/metrics");
                yaml.Comment("The metrics listener speaks plain HTTP, whatever the app's port speaks.");
                yaml.Scalar("prometheus.io/scheme", "http");
            }
        }

        using var podSpec = yaml.Mapping("spec");
        WritePod(yaml, kube);
    }

    private static void WritePod(YamlText yaml, KubeDefinition kube)
    {
        int grace = kube.PreStopSeconds + kube.ShutdownSeconds + ExitSeconds;
        yaml.Comment($"The countdown starts at deletion: {kube.PreStopSeconds} s of preStop pause while endpoints are removed, {kube.ShutdownSeconds} s of drain\n"
            + $"after SIGTERM (--shutdown-timeout), {ExitSeconds} s to exit; only then SIGKILL.");
        yaml.Scalar("terminationGracePeriodSeconds", grace);
        yaml.Comment("The server calls no Kubernetes API: a token in the pod would only be something to steal.");
        yaml.Scalar("automountServiceAccountToken", false);
        yaml.Comment("No NAME_PORT=tcp://... variables for every Service in the namespace: an app named like a Service\nwould read one as its own --port.");
        yaml.Scalar("enableServiceLinks", false);
        using (yaml.Mapping("securityContext"))
        {
            yaml.Comment("The image's numeric non-root user; the kubelet refuses to start the container as root.");
            yaml.Scalar("runAsNonRoot", true);
            yaml.Scalar("runAsUser", kube.UserId);
            yaml.Scalar("runAsGroup", kube.UserId);
            yaml.Comment("Mounted Secrets belong to this group, so the server reads its key and nobody else in the pod does.");
            yaml.Scalar("fsGroup", kube.UserId);
            using var seccomp = yaml.Mapping("seccompProfile");
            yaml.Comment("The container runtime's system call filter, as systemd's SystemCallFilter=@system-service.");
            yaml.Scalar("type", "RuntimeDefault");
        }

        using (yaml.Sequence("topologySpreadConstraints"))
        {
            using var item = yaml.Item();
            yaml.Comment("Pods on different nodes where the cluster can: one node's failure or drain takes one of them.");
            yaml.Scalar("maxSkew", 1);
            yaml.Scalar("topologyKey", "kubernetes.io/hostname");
            yaml.Scalar("whenUnsatisfiable", "ScheduleAnyway");
            using var selector = yaml.Mapping("labelSelector");
            using var matchLabels = yaml.Mapping("matchLabels");
            KubeManifests.WriteSelector(yaml, kube);
        }

        using (yaml.Sequence("containers"))
        {
            ContainerManifest.Write(yaml, kube);
        }

        WriteVolumes(yaml, kube);
    }

    private static void WriteVolumes(YamlText yaml, KubeDefinition kube)
    {
        using var volumes = yaml.Sequence("volumes");
        using (yaml.Item())
        {
            yaml.Comment("The root is read-only; ASP.NET Core buffers large request bodies to files in /tmp. Ten at the template's\n10 MiB body limit fit; past the size the kubelet evicts the pod rather than fill the node's disk.");
            yaml.Scalar("name", TmpVolume);
            using var emptyDir = yaml.Mapping("emptyDir");
            yaml.Scalar("sizeLimit", "100Mi");
        }

        if (kube.TlsSecret is { } tlsSecret)
        {
            using var item = yaml.Item();
            yaml.Comment("The kubernetes.io/tls Secret (cert-manager's, or kubectl create secret tls). The kubelet updates the files\nby swapping a symlink; the server follows it and reloads the certificate without a restart.");
            yaml.Scalar("name", TlsVolume);
            using var secret = yaml.Mapping("secret");
            yaml.Scalar("secretName", tlsSecret);
            yaml.Comment("288 is 0440 in octal: the owner (root) and the pod's fsGroup read the key, nobody else.");
            yaml.Scalar("defaultMode", SecretFileMode);
        }

        if (kube.App.Secrets.Count > 0)
        {
            using var item = yaml.Item();
            yaml.Comment("--secret: each a key of a Secret, a file named as the key in $CREDENTIALS_DIRECTORY, as under systemd.");
            yaml.Scalar("name", CredentialsVolume);
            using var projected = yaml.Mapping("projected");
            yaml.Comment("288 is 0440 in octal: root and the pod's fsGroup read the files, nobody else.");
            yaml.Scalar("defaultMode", SecretFileMode);
            using var sources = yaml.Sequence("sources");
            foreach (var (name, secret) in kube.App.Secrets)
            {
                using var source = yaml.Item();
                using var secretSource = yaml.Mapping("secret");
                yaml.Scalar("name", secret);
                using var items = yaml.Sequence("items");
                using var key = yaml.Item();
                yaml.Scalar("key", name);
                yaml.Scalar("path", name);
            }
        }
    }
}
