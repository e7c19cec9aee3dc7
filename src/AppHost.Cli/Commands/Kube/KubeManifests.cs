using AppHost.Cli.Commands.Kube.Yaml;

namespace AppHost.Cli.Commands.Kube;

/// <summary>
/// The manifests of an app, rendered from checked values into one file of three documents: the
/// Deployment, the Service and the PodDisruptionBudget. Nothing here reads or writes a file.
/// </summary>
internal static class KubeManifests
{
    /// <summary>The container port of the redirect to HTTPS (--http-port).</summary>
    public const string RedirectPortName = "http";

    /// <summary>The container port of Prometheus's /metrics.</summary>
    public const string MetricsPortName = "metrics";

    // The recommended label that names the app; the selector of every object, so it never changes.
    private const string NameLabel = "app.kubernetes.io/name";

    /// <summary>The container port the app serves on: https with a TLS Secret, http without.</summary>
    public static string MainPortName(KubeDefinition kube) => kube.ServesHttps ? "https" : "http";

    /// <returns>The text of NAME.yaml.</returns>
    public static string Render(KubeDefinition kube)
    {
        var yaml = new YamlText();
        yaml.Comment($"""
            {kube.Name} on Kubernetes: a Deployment, its Service and its PodDisruptionBudget. Written by `apphost kube`.
            Apply: kubectl apply -f {kube.Name}.yaml   (needs Kubernetes 1.32 or later, for the preStop sleep)
            Rollouts lose no request: a new pod is ready before an old one stops, and an old one serves on until
            endpoints forget it, then drains in-flight requests.
            """);
        DeploymentManifest.Write(yaml, kube);
        yaml.DocumentSeparator();
        ServiceManifest.Write(yaml, kube);
        yaml.DocumentSeparator();
        DisruptionBudgetManifest.Write(yaml, kube);
        return yaml.ToString();
    }

    /// <summary>What every object starts with: its API version and kind, and <c>metadata:</c> with its name and labels.</summary>
    public static void WriteHead(YamlText yaml, string apiVersion, string kind, KubeDefinition kube)
    {
        yaml.Scalar("apiVersion", apiVersion);
        yaml.Scalar("kind", kind);
        using var metadata = yaml.Mapping("metadata");
        yaml.Scalar("name", kube.Name);
        using var labels = yaml.Mapping("labels");
        WriteLabels(yaml, kube);
    }

    /// <summary>The labels of every object and pod: Kubernetes' recommended ones.</summary>
    public static void WriteLabels(YamlText yaml, KubeDefinition kube)
    {
        WriteSelector(yaml, kube);
        yaml.Scalar("app.kubernetes.io/component", "web-server");
        yaml.Scalar("app.kubernetes.io/managed-by", "apphost");
    }

    /// <summary>The labels that select the app's pods: only its name, which a later version of these files keeps.</summary>
    public static void WriteSelector(YamlText yaml, KubeDefinition kube) => yaml.Scalar(NameLabel, kube.Name);
}
