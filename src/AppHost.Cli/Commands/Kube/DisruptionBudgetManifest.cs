using AppHost.Cli.Commands.Kube.Yaml;

namespace AppHost.Cli.Commands.Kube;

/// <summary>The PodDisruptionBudget: voluntary evictions (node drains, cluster upgrades) take one pod at a time.</summary>
internal static class DisruptionBudgetManifest
{
    public static void Write(YamlText yaml, KubeDefinition kube)
    {
        KubeManifests.WriteHead(yaml, "policy/v1", "PodDisruptionBudget", kube);
        using var spec = yaml.Mapping("spec");
        yaml.Comment(kube.Replicas > 1
            ? "One pod may be evicted at a time: the next eviction waits until the first one's replacement is ready."
            : "One pod may be evicted although it is the only one: with a single replica a budget of 0 would block node drains for good.");
        yaml.Scalar("maxUnavailable", 1);
        using (yaml.Mapping("selector"))
        {
            using var matchLabels = yaml.Mapping("matchLabels");
            KubeManifests.WriteSelector(yaml, kube);
        }

        yaml.Comment("A pod that never became ready may be evicted anyway, so a broken rollout cannot block a drain.");
        yaml.Scalar("unhealthyPodEvictionPolicy", "AlwaysAllow");
    }
}
