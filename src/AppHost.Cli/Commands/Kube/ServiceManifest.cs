using AppHost.Cli.Commands.Kube.Yaml;

namespace AppHost.Cli.Commands.Kube;

/// <summary>The Service: the pods' stable address in the cluster, on the usual ports whatever the container's.</summary>
internal static class ServiceManifest
{
    // The ports clients expect; the container's are above 1023, as it has no capabilities.
    private const int HttpsPort = 443;
    private const int HttpPort = 80;

    public static void Write(YamlText yaml, KubeDefinition kube)
    {
        KubeManifests.WriteHead(yaml, "v1", "Service", kube);
        using var spec = yaml.Mapping("spec");
        yaml.Comment("Inside the cluster; an ingress, a Gateway or type: LoadBalancer exposes it, as the cluster has it.");
        yaml.Scalar("type", "ClusterIP");
        using (yaml.Mapping("selector"))
        {
            KubeManifests.WriteSelector(yaml, kube);
        }

        yaml.Comment("Each to the container's port by name, so the two objects' numbers cannot disagree.");
        using var ports = yaml.Sequence("ports");
        string main = KubeManifests.MainPortName(kube);
        WritePort(yaml, main, kube.ServesHttps ? HttpsPort : HttpPort, main);
        if (kube.HttpPort is not null)
        {
            WritePort(yaml, KubeManifests.RedirectPortName, HttpPort, KubeManifests.RedirectPortName);
        }
    }

    private static void WritePort(YamlText yaml, string name, int port, string containerPort)
    {
        using var item = yaml.Item();
        yaml.Scalar("name", name);
        yaml.Scalar("port", port);
        yaml.Scalar("targetPort", containerPort);
    }
}
