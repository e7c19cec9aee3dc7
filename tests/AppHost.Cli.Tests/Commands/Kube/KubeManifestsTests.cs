using AppHost.Cli.Commands.Kube;
using AppHost.Cli.Commands.Service;
using k8s.Models;
using YamlDotNet.Core;

namespace AppHost.Cli.Tests.Commands.Kube;

/// <summary>The manifests are Kubernetes objects that keep each promise of the verb, field by field.</summary>
public sealed class KubeManifestsTests
{
    [Fact]
    public void ManifestsDecodeStrictlyIntoTheApisModels()
    {
        var kube = KubeObjects.Render(tlsSecret: "shop-tls", httpPort: 8080, metricsPort: 9100,
            app: AppSettings.Create(["--greeting", "Hej"], ["SHOP_MODE=fast"], [new("db", "shop-secrets")]), environmentSecrets: ["shop-env"]);

        Assert.Equal(("apps/v1", "Deployment", "shop"), (kube.Deployment.ApiVersion, kube.Deployment.Kind, kube.Deployment.Metadata.Name));
        Assert.Equal(("v1", "Service", "shop"), (kube.Service.ApiVersion, kube.Service.Kind, kube.Service.Metadata.Name));
        Assert.Equal(("policy/v1", "PodDisruptionBudget", "shop"), (kube.Budget.ApiVersion, kube.Budget.Kind, kube.Budget.Metadata.Name));
    }

    [Fact]
    public void AMisspelledFieldFailsTheDecoding()
    {
        string yaml = KubeManifests.Render(KubeObjects.Definition());
        Assert.Contains("readOnlyRootFilesystem: true", yaml);

        var refused = Assert.ThrowsAny<YamlException>(() => KubeObjects.Decode(yaml.Replace("readOnlyRootFilesystem", "readOnlyRootFileSystem", StringComparison.Ordinal)));
        Assert.Contains("readOnlyRootFileSystem", refused.ToString());
    }

    [Theory]
    [InlineData("shop-tls", "https", "HTTPS", 8443)]
    [InlineData(null, "http", null, 8080)]
    public void EveryProbeAsksHealthzOnTheServingPort(string? tlsSecret, string portName, string? scheme, int port)
    {
        var kube = KubeObjects.Render(tlsSecret: tlsSecret);

        var served = Assert.Single(kube.Container.Ports);
        Assert.Equal((portName, port), (served.Name, served.ContainerPort));
        foreach (var probe in new[] { kube.Container.StartupProbe, kube.Container.ReadinessProbe, kube.Container.LivenessProbe })
        {
            Assert.Equal("/healthz", probe.HttpGet.Path);
            Assert.Equal(portName, probe.HttpGet.Port.Value);
            Assert.Equal(scheme, probe.HttpGet.Scheme);
            Assert.Null(probe.HttpGet.HttpHeaders);
        }

        Assert.Equal(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], kube.Container.Args.Take(2));
    }

    [Fact]
    public void ProbesNameTheHostTheServerIsLimitedTo()
    {
        var kube = KubeObjects.Render(app: AppSettings.Create(["--host-name=*.example.com", "--host-name", "shop.example.com"], [], []));

        foreach (var probe in new[] { kube.Container.StartupProbe, kube.Container.ReadinessProbe, kube.Container.LivenessProbe })
        {
            var header = Assert.Single(probe.HttpGet.HttpHeaders);
            Assert.Equal(("Host", "kubelet.example.com"), (header.Name, header.Value));
        }
    }

    [Theory]
    [InlineData(null, null, 10, 30)]
    [InlineData(90, 20, 20, 90)]
    public void TheGracePeriodOutlastsThePauseAndTheDrain(int? shutdownSeconds, int? preStopSeconds, int pause, int drain)
    {
        var kube = KubeObjects.Render(shutdownSeconds: shutdownSeconds, preStopSeconds: preStopSeconds);

        Assert.Equal(pause, kube.Container.Lifecycle.PreStop.Sleep.Seconds);
        Assert.Null(kube.Container.Lifecycle.PreStop.Exec);
        string[] args = [.. kube.Container.Args];
        Assert.Equal(drain.ToString(System.Globalization.CultureInfo.InvariantCulture), args[Array.IndexOf(args, "--shutdown-timeout") + 1]);
        Assert.True(kube.Pod.TerminationGracePeriodSeconds > pause + drain, $"grace period {kube.Pod.TerminationGracePeriodSeconds} s, pause {pause} s, drain {drain} s");
    }

    [Fact]
    public void ARolloutStartsANewPodBeforeStoppingAnOldOne()
    {
        var kube = KubeObjects.Render();

        Assert.Equal("RollingUpdate", kube.Deployment.Spec.Strategy.Type);
        Assert.Equal("0", kube.Deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("1", kube.Deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal(2, kube.Deployment.Spec.Replicas);
        Assert.Equal("1", kube.Budget.Spec.MaxUnavailable.Value);
    }

    [Fact]
    public void ThePodRunsAsTheRestrictedStandardAsks()
    {
        var kube = KubeObjects.Render(userId: 1000);

        var pod = kube.Pod.SecurityContext;
        Assert.Equal((true, 1000L, 1000L), (pod.RunAsNonRoot, pod.RunAsUser, pod.RunAsGroup));
        Assert.Equal("RuntimeDefault", pod.SeccompProfile.Type);
        var container = kube.Container.SecurityContext;
        Assert.Equal((false, true), (container.AllowPrivilegeEscalation, container.ReadOnlyRootFilesystem));
        Assert.Equal(["ALL"], container.Capabilities.Drop);
        Assert.Null(container.Capabilities.Add);
        Assert.False(kube.Pod.AutomountServiceAccountToken);
        Assert.False(kube.Pod.EnableServiceLinks);
    }

    [Fact]
    public void TheDefaultUserIsTheImagesNumericNonRootUser()
    {
        Assert.Equal(65532L, KubeObjects.Render().Pod.SecurityContext.RunAsUser);
    }

    [Fact]
    public void TheServiceAndTheBudgetSelectThePods()
    {
        var kube = KubeObjects.Render(tlsSecret: "shop-tls", httpPort: 8080);

        var podLabels = kube.Deployment.Spec.Template.Metadata.Labels;
        Assert.Equal(kube.Deployment.Spec.Selector.MatchLabels, kube.Budget.Spec.Selector.MatchLabels);
        Assert.All(kube.Deployment.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, podLabels[label.Key]));
        Assert.All(kube.Service.Spec.Selector, label => Assert.Equal(label.Value, podLabels[label.Key]));
        Assert.Equal("shop", podLabels["app.kubernetes.io/name"]);
        Assert.Equal([("https", 443, "https"), ("http", 80, "http")], kube.Service.Spec.Ports.Select(p => (p.Name, p.Port, p.TargetPort.Value)));
        Assert.Equal(kube.Service.Spec.Ports.Select(p => p.TargetPort.Value), kube.Container.Ports.Select(p => p.Name));
    }

    [Fact]
    public void MetricsListenOnThePodsAddressAndAreAnnotatedForScraping()
    {
        var kube = KubeObjects.Render(metricsPort: 9100);

        var annotations = kube.Deployment.Spec.Template.Metadata.Annotations;
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal("9100", annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
        Assert.Contains(kube.Container.Ports, p => p.Name == "metrics" && p.ContainerPort == 9100);
        Assert.Contains("--metrics-port 9100 --metrics-host 0.0.0.0", string.Join(' ', kube.Container.Args));
        Assert.Null(KubeObjects.Render().Deployment.Spec.Template.Metadata.Annotations);
    }

    [Fact]
    public void TheTlsSecretIsMountedReadOnlyWhereCertAndKeyPoint()
    {
        var kube = KubeObjects.Render(tlsSecret: "shop-tls");

        var volume = Assert.Single(kube.Pod.Volumes, v => v.Secret is not null);
        Assert.Equal("shop-tls", volume.Secret.SecretName);
        var mount = Assert.Single(kube.Container.VolumeMounts, m => m.Name == volume.Name);
        Assert.True(mount.ReadOnlyProperty);
        Assert.Contains($"--cert {mount.MountPath}/tls.crt --key {mount.MountPath}/tls.key", string.Join(' ', kube.Container.Args));
        Assert.Equal(0b100_100_000, volume.Secret.DefaultMode);
    }

    [Fact]
    public void ArgsCarryTheAppsFlagsAfterTheStandardOnes()
    {
        var kube = KubeObjects.Render(app: AppSettings.Create(["--greeting", "Good day", "--max-connections", "500"], [], []));

        Assert.Equal(["--port", "8080", "--log-format", "json", "--shutdown-timeout", "30", "--greeting", "Good day", "--max-connections", "500"], kube.Container.Args);
        Assert.Null(kube.Container.Command);
    }

    [Fact]
    public void EnvironmentAndSecretsReachTheAppAsUnderSystemd()
    {
        string tricky = "say \"hi\" \\ yes: 8443 # not a comment \u2028 ünï";
        var kube = KubeObjects.Render(app: AppSettings.Create([], ["SHOP_MODE=yes", $"SHOP_TEXT={tricky}"], [new("db", "shop-secrets"), new("api-key", "shop-api")]),
            environmentSecrets: ["shop-env"]);

        Assert.Equal([("SHOP_MODE", "yes"), ("SHOP_TEXT", tricky), ("CREDENTIALS_DIRECTORY", ServerArguments.CredentialsFolder)], kube.Container.Env.Select(e => (e.Name, e.Value)));
        Assert.Equal("shop-env", Assert.Single(kube.Container.EnvFrom).SecretRef.Name);
        var volume = Assert.Single(kube.Pod.Volumes, v => v.Projected is not null);
        Assert.Equal([("shop-secrets", "db", "db"), ("shop-api", "api-key", "api-key")],
            volume.Projected.Sources.Select(s => (s.Secret.Name, Assert.Single(s.Secret.Items).Key, s.Secret.Items[0].Path)));
        var mount = Assert.Single(kube.Container.VolumeMounts, m => m.Name == volume.Name);
        Assert.Equal((ServerArguments.CredentialsFolder, true), (mount.MountPath, mount.ReadOnlyProperty));
    }

    [Fact]
    public void ResourcesRequestMemoryAndLimitOnlyMemory()
    {
        var resources = KubeObjects.Render().Container.Resources;

        Assert.Equal(["cpu", "memory"], resources.Requests.Keys.Order());
        Assert.Equal(["memory"], resources.Limits.Keys);
        Assert.True(resources.Limits["memory"].ToInt64() > resources.Requests["memory"].ToInt64());
    }

    [Fact]
    public void OneReplicaIsAllowedAndSaysWhatADrainDoes()
    {
        string yaml = KubeManifests.Render(KubeObjects.Definition(replicas: 1));

        Assert.Equal(1, KubeObjects.Decode(yaml).Deployment.Spec.Replicas);
        Assert.Contains("give --replicas 2", yaml);
    }
}
