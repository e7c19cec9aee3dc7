using AppHost.Cli.Commands.Kube;
using AppHost.Cli.Commands.Service;
using k8s;
using k8s.Models;

namespace AppHost.Cli.Tests.Commands.Kube;

/// <summary>
/// apphost kube's manifests as the Kubernetes API's own models: decoded strictly, so a field the API
/// does not have (a misspelling, a wrong level) fails the decoding as the API server would refuse it.
/// </summary>
internal sealed record KubeObjects(V1Deployment Deployment, V1Service Service, V1PodDisruptionBudget Budget)
{
    /// <summary>The only container of the pod.</summary>
    public V1Container Container => Assert.Single(Deployment.Spec.Template.Spec.Containers);

    /// <summary>The pod's spec.</summary>
    public V1PodSpec Pod => Deployment.Spec.Template.Spec;

    /// <summary>The manifests' text decoded: exactly a Deployment, a Service and a PodDisruptionBudget, in that order.</summary>
    public static KubeObjects Decode(string yaml)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml, strict: true);
        Assert.Equal(3, objects.Count);
        return new KubeObjects(Assert.IsType<V1Deployment>(objects[0]), Assert.IsType<V1Service>(objects[1]), Assert.IsType<V1PodDisruptionBudget>(objects[2]));
    }

    /// <summary>Renders and decodes the manifests of shop with the values given, each left out taking kube's default.</summary>
    public static KubeObjects Render(string image = "ghcr.io/acme/shop:1.0", int? port = null, int? httpPort = null, string? tlsSecret = null, int? replicas = null,
        long? userId = null, int? shutdownSeconds = null, int? preStopSeconds = null, int? metricsPort = null, AppSettings? app = null, string[]? environmentSecrets = null) =>
        Decode(KubeManifests.Render(Definition(image, port, httpPort, tlsSecret, replicas, userId, shutdownSeconds, preStopSeconds, metricsPort, app, environmentSecrets)));

    /// <summary>The checked values of shop, as <see cref="Render"/> takes them.</summary>
    public static KubeDefinition Definition(string image = "ghcr.io/acme/shop:1.0", int? port = null, int? httpPort = null, string? tlsSecret = null, int? replicas = null,
        long? userId = null, int? shutdownSeconds = null, int? preStopSeconds = null, int? metricsPort = null, AppSettings? app = null, string[]? environmentSecrets = null) =>
        KubeDefinition.Create("shop", image, port, httpPort, tlsSecret, replicas, userId, shutdownSeconds, preStopSeconds, metricsPort, [], false,
            app ?? AppSettings.None, environmentSecrets ?? []);
}
