namespace AppHost.Cli.Tests.Commands.Kube;

/// <summary><c>apphost kube</c> writes NAME.yaml, prints its path, says how to apply it, and refuses bad input in one line, writing nothing.</summary>
public sealed class KubeCommandTests : IDisposable
{
    private const string Image = "ghcr.io/acme/shop:1.0";

    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task TheManifestIsWrittenAndItsPathPrinted()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "kube", "shop", "--image", Image, "--tls-secret", "shop-tls", "--metrics-port", "9100",
            "--secret", "db=shop-secrets", "-o", "deploy", "--", "--greeting", "Hej")).AssertSucceeded();

        string path = Path.Combine(_directory.Path, "deploy", "shop.yaml");
        Assert.Equal([path], run.StandardOutput);
        var kube = KubeObjects.Decode(File.ReadAllText(path));
        Assert.Equal(Image, kube.Container.Image);
        Assert.Equal(["--greeting", "Hej"], kube.Container.Args.TakeLast(2));
        Assert.Equal("Next: kubectl apply -f deploy/shop.yaml", run.StandardError[^1]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData("the app's name", "Shop", "--image", Image)]
    [InlineData("no tag", "shop", "--image", "ghcr.io/acme/shop")]
    [InlineData("a privileged port", "shop", "--image", Image, "--port", "443")]
    [InlineData("0 s of pause", "shop", "--image", Image, "--pre-stop-seconds", "0")]
    [InlineData("root", "shop", "--image", Image, "--uid", "0")]
    [InlineData("not a number", "shop", "--image", Image, "--replicas", "two")]
    public async Task BadValuesAreRefusedInOneLineAndNothingIsWritten(string problem, params string[] args)
    {
        var run = await AppHostTool.RunAsync(_directory.Path, ["kube", .. args]);

        run.AssertOneLineError(2, args.Length > 3 ? args[^2] : "'");
        Assert.True(Directory.GetFileSystemEntries(_directory.Path).Length == 0, $"{problem}: something was written");
    }

    [Theory]
    [InlineData("--tls-secret shop-tls", "--cert", "/etc/ssl/shop.pem", "--key", "/etc/ssl/shop.key")]
    [InlineData("cert-manager", "--acme-domain", "shop.example.com")]
    [InlineData("--env-secret shop-env", "--env-file", "/etc/shop/environment")]
    [InlineData("leave it out", "--metrics-port", "9100", "--metrics-host", "10.0.0.5")]
    public async Task ServerOptionsAreAnsweredWithTheKubernetesWay(string theWay, params string[] args)
    {
        var run = await AppHostTool.RunAsync(_directory.Path, ["kube", "shop", "--image", Image, .. args]);

        run.AssertOneLineError(2, args[^2], theWay);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public async Task AnExistingFileIsKeptWithoutForce()
    {
        string path = Path.Combine(_directory.Path, "shop.yaml");
        File.WriteAllText(path, "kept");

        (await AppHostTool.RunAsync(_directory.Path, "kube", "shop", "--image", Image)).AssertOneLineError(2, "already exists", "--force");
        Assert.Equal("kept", File.ReadAllText(path));
        (await AppHostTool.RunAsync(_directory.Path, "kube", "shop", "--image", Image, "--force")).AssertSucceeded();
        Assert.Equal(Image, KubeObjects.Decode(File.ReadAllText(path)).Container.Image);
        Assert.Equal(["shop.yaml"], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task TheHelpShowsOnlyWhatAPodUses()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "kube", "--help")).AssertSucceeded();

        string[] options = [.. run.StandardOutput.Select(line => line.TrimStart()).Where(line => line.StartsWith("--", StringComparison.Ordinal))];
        Assert.Contains(options, line => line.StartsWith("--tls-secret <secret>", StringComparison.Ordinal));
        Assert.Contains(options, line => line.StartsWith("--secret <NAME=SECRET>", StringComparison.Ordinal));
        foreach (string serverOnly in (string[])["--cert ", "--key ", "--acme-domain ", "--metrics-host ", "--env-file "])
        {
            Assert.DoesNotContain(options, line => line.StartsWith(serverOnly, StringComparison.Ordinal));
        }
    }

    public void Dispose() => _directory.Dispose();
}
