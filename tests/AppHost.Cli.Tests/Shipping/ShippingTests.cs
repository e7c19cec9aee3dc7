using System.Runtime.InteropServices;
using AppHost.Cli.Tests.Infrastructure;

namespace AppHost.Cli.Tests.Shipping;

/// <summary>
/// The root publish script builds what AppHost ships: the template package, the tool package
/// (installable with dotnet tool install), and apphost as one native file that works.
/// </summary>
[Collection(RepositoryBuildCollection.Name)]
public sealed class ShippingTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task PublishScriptShipsBothPackagesAndAWorkingNativeTool()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string artifacts = Path.Combine(_directory.Path, "artifacts");
        (await CommandRun.RunAsync("bash", [Path.Combine(RepositoryRoot.Path, "publish.sh")], RepositoryRoot.Path, Timeout,
            new Dictionary<string, string> { ["ARTIFACTS_DIR"] = artifacts })).AssertSucceeded();

        string packages = Path.Combine(artifacts, "packages");
        Assert.Single(Directory.GetFiles(packages, "AppHost.Templates.*.nupkg"));
        Assert.Single(Directory.GetFiles(packages, "apphost.*.nupkg"));

        string native = Path.Combine(artifacts, "publish", RuntimeInformation.RuntimeIdentifier, "apphost");
        var version = (await CommandRun.RunAsync(native, ["--version"], _directory.Path, Timeout)).AssertSucceeded();
        Assert.StartsWith("0.1.0", Assert.Single(version.StandardOutput));
        (await CommandRun.RunAsync(native, ["new", "Native"], _directory.Path, Timeout)).AssertSucceeded();
        Assert.True(File.Exists(Path.Combine(_directory.Path, "native/src/Native/Native.csproj")));

        string tools = Path.Combine(_directory.Path, "tools");
        (await CommandRun.RunAsync(CommandRun.DotnetHost(), ["tool", "install", "apphost", "--tool-path", tools, "--add-source", packages], _directory.Path, Timeout))
            .AssertSucceeded();
        var installed = (await CommandRun.RunAsync(Path.Combine(tools, "apphost"), ["cert", "-o", "tool.pfx"], _directory.Path, Timeout)).AssertSucceeded();
        Assert.Matches("^[0-9A-F]{64}$", Assert.Single(installed.StandardOutput));
    }

    public void Dispose() => _directory.Dispose();
}
