using System.Net;
using System.Runtime.InteropServices;
using AppHost.Server.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace AppHost.Server.Tests.Kubernetes;

/// <summary>
/// The pod <c>apphost kube</c> describes, run without a cluster: the native file started with the
/// container's args, as the pod's user and group, with no capability, no privilege gain and a
/// read-only root, reading its certificate from a folder laid out as the kubelet mounts a TLS Secret;
/// then asked what the kubelet's probes ask, and stopped as the kubelet stops it.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class KubePodTests(NativeAppFixture native) : IDisposable
{
    private readonly TempDirectory _pod = new();

    [RootFact]
    public async Task ThePodsCommandLineServesItsProbesAsItsUserOnAReadOnlyRoot()
    {
        int port = FreePorts.Take();
        (await AppHostTool.RunAsync(_pod.Path, "kube", "shop", "--image", "example.com/shop:1.0", "--tls-secret", "shop-tls", "--port", $"{port}",
            "--", "--host-name", "shop.example.com")).AssertSucceeded();
        var deployment = (V1Deployment)KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(_pod.Path, "shop.yaml")), strict: true)[0];
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var secretVolume = Assert.Single(pod.Volumes, v => v.Secret is not null);
        string mountPath = Assert.Single(container.VolumeMounts, m => m.Name == secretVolume.Name).MountPath;
        string secretFolder = await MountTlsSecretAsync(secretVolume.Secret.DefaultMode!.Value, pod.SecurityContext.FsGroup!.Value);
        string file = Path.Combine(_pod.Path, "shop");
        File.Copy(native.NativeFile, file);
        // The kubelet's part: the pod's user, group and sandbox, and a root that only /tmp (the emptyDir) is writable in.
        string[] launcher = ["unshare", "--mount", "sh", "-c", "mount --bind -o ro / / && mount --bind /tmp /tmp && mount -o remount,bind,rw /tmp && exec \"$@\"", "sh",
            "setpriv", $"--reuid={pod.SecurityContext.RunAsUser}", $"--regid={pod.SecurityContext.RunAsGroup}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all"];
        string[] args = [.. container.Args.Select(a => a.Replace(mountPath, secretFolder, StringComparison.Ordinal))];

        await using var app = await RunningApp.LaunchAsync(file, args, environment: null, launcher);

        string status = File.ReadAllText($"/proc/{app.Process.Id}/status");
        Assert.Contains($"Uid:\t{pod.SecurityContext.RunAsUser}\t", status);
        Assert.Contains("CapEff:\t0000000000000000", status);
        Assert.Contains(File.ReadAllLines($"/proc/{app.Process.Id}/mountinfo"), line => line.Split(' ') is [_, _, _, _, "/", var options, ..] && options.StartsWith("ro", StringComparison.Ordinal));
        using var kubelet = Kubelet();
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
        {
            Assert.Equal(HttpStatusCode.OK, await AskAsync(kubelet, port, probe.HttpGet));
        }

        // Without the Host header the manifests add, the server's --host-name would fail every probe.
        Assert.Equal(HttpStatusCode.BadRequest, await AskAsync(kubelet, port, new V1HTTPGetAction { Path = container.StartupProbe.HttpGet.Path, Scheme = "HTTPS" }));
        app.Process.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    // The kubelet's layout: tls.crt -> ..data/tls.crt, ..data -> a dated folder, the files root's and the fsGroup's, in the Secret's mode.
    private async Task<string> MountTlsSecretAsync(int mode, long group)
    {
        var (certificate, key, _) = TestCertificates.NewPemPair();
        string folder = Directory.CreateDirectory(Path.Combine(_pod.Path, "tls")).FullName;
        string dated = Directory.CreateDirectory(Path.Combine(folder, "..2026_12_06_00_00_00.1")).FullName;
        File.WriteAllText(Path.Combine(dated, "tls.crt"), certificate);
        File.WriteAllText(Path.Combine(dated, "tls.key"), key);
        File.CreateSymbolicLink(Path.Combine(folder, "..data"), Path.GetFileName(dated));
        foreach (string name in (string[])["tls.crt", "tls.key"])
        {
            File.CreateSymbolicLink(Path.Combine(folder, name), $"..data/{name}");
        }

        (await CommandRun.RunAsync(["chmod", Convert.ToString(mode, 8), Path.Combine(dated, "tls.crt"), Path.Combine(dated, "tls.key")])).AssertSucceeded();
        (await CommandRun.RunAsync(["chown", "-R", $"0:{group}", folder])).AssertSucceeded();
        // The test's folder is private to root; the pod's user walks through it to the file and the Secret.
        (await CommandRun.RunAsync(["chmod", "755", _pod.Path])).AssertSucceeded();
        return folder;
    }

    // As the kubelet probes: no certificate check, and the probe's own headers.
    private static HttpClient Kubelet() => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    });

    private static async Task<HttpStatusCode> AskAsync(HttpClient kubelet, int port, V1HTTPGetAction get)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{get.Scheme.ToLowerInvariant()}://127.0.0.1:{port}{get.Path}");
        foreach (var header in get.HttpHeaders ?? [])
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        using var response = await kubelet.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => _pod.Dispose();
}
