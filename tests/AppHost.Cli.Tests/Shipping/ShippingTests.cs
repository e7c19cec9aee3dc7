using System.IO.Compression;
using System.Runtime.InteropServices;
using AppHost.Cli.Tests.Infrastructure;

namespace AppHost.Cli.Tests.Shipping;

/// <summary>
/// The root publish script builds what AppHost ships: the template package, the tool package
/// (installable with dotnet tool install), the AppHost.Server and AppHost.Testing packages, and
/// apphost as one native file that works.
/// </summary>
[Collection(RepositoryBuildCollection.Name)]
public sealed class ShippingTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task PublishScriptShipsThePackagesAndAWorkingNativeTool()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string artifacts = Path.Combine(_directory.Path, "artifacts");
        // ArtifactsPath gives the script's builds bin/ and obj/ folders of their own: the server's
        // tests build AppHost.Server at the same time, and two builds must not share obj/.
        (await CommandRun.RunAsync(["bash", Path.Combine(RepositoryRoot.Path, "publish.sh")], RepositoryRoot.Path, Timeout,
            environment: new Dictionary<string, string> { ["ARTIFACTS_DIR"] = artifacts, ["ArtifactsPath"] = Path.Combine(_directory.Path, "build") })).AssertSucceeded();

        string packages = Path.Combine(artifacts, "packages");
        Assert.Single(Directory.GetFiles(packages, "AppHost.Templates.*.nupkg"));
        Assert.Single(Directory.GetFiles(packages, "apphost.0*.nupkg"));
        Assert.Single(Directory.GetFiles(packages, "AppHost.Testing.*.nupkg"));
        using (var server = ZipFile.OpenRead(Assert.Single(Directory.GetFiles(packages, "AppHost.Server.*.nupkg"))))
        {
            // The library with its XML docs, its readme, and the build files that tune an app's native file.
            string[] entries = [.. server.Entries.Select(e => e.FullName)];
            Assert.Contains("lib/net10.0/AppHost.Server.dll", entries);
            Assert.Contains("lib/net10.0/AppHost.Server.xml", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("buildTransitive/AppHost.Server.props", entries);
            Assert.Contains("buildTransitive/StartupTypes.rd.xml", entries);
            Assert.Contains("buildTransitive/StartupOrder.txt", entries);
            Assert.Contains("buildTransitive/missing-link-tools.sh", entries);
        }

        string native = Path.Combine(artifacts, "publish", RuntimeInformation.RuntimeIdentifier, "apphost");
        var version = (await CommandRun.RunAsync([native, "--version"], _directory.Path, Timeout)).AssertSucceeded();
        Assert.StartsWith("0.1.0", Assert.Single(version.StandardOutput));
        (await CommandRun.RunAsync([native, "new", "Native"], _directory.Path, Timeout)).AssertSucceeded();
        Assert.True(File.Exists(Path.Combine(_directory.Path, "native/src/Native/Native.csproj")));

        string tools = Path.Combine(_directory.Path, "tools");
        (await CommandRun.RunAsync([CommandRun.DotnetHost(), "tool", "install", "apphost", "--tool-path", tools, "--add-source", packages], _directory.Path, Timeout))
            .AssertSucceeded();
        var installed = (await CommandRun.RunAsync([Path.Combine(tools, "apphost"), "cert", "-o", "tool.pfx"], _directory.Path, Timeout)).AssertSucceeded();
        Assert.Matches("^[0-9A-F]{64}$", Assert.Single(installed.StandardOutput));
    }

    public void Dispose() => _directory.Dispose();
}
