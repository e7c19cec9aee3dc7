using System.Diagnostics;
using System.Text.Json;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>
/// AppHostStaticPgo, a switch of the package's build files: with it in the app's project, ILC is
/// given the profile the .NET runtime pack ships. Read from MSBuild after the package's target has
/// run, rather than from a publish, which would cost a native build of its own; the publish itself
/// was seen by hand (docs/https-h1.md).
/// </summary>
public sealed class StaticPgoTests
{
    // A restore of the sample into a fresh folder: seconds with a warm package cache, tens without one.
    private static readonly TimeSpan MsBuildLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TheSwitchGivesIlcTheRuntimePacksProfile()
    {
        var properties = await IlcPropertiesAsync("-p:AppHostStaticPgo=true");

        Assert.Equal("true", properties["IlcPgoOptimize"]);
        Assert.True(File.Exists(Path.Combine(properties["IlcMibcPath"], "StandardOptimizationData.mibc")), $"no profile in '{properties["IlcMibcPath"]}'");
    }

    [Fact]
    public async Task WithoutTheSwitchIlcGetsNoProfile()
    {
        var properties = await IlcPropertiesAsync();

        Assert.Equal("", properties["IlcPgoOptimize"]);
        Assert.Equal("", properties["IlcMibcPath"]);
    }

    // Runs the targets that resolve the runtime pack and the package's own, then reads ILC's two properties.
    // The build goes to a folder of its own, so it shares no obj/ with the tests that build the sample.
    private static async Task<Dictionary<string, string>> IlcPropertiesAsync(params string[] switches)
    {
        string project = Path.GetDirectoryName(SampleApp.SourceFolder("wwwroot"))!;
        var scratch = Directory.CreateTempSubdirectory("apphost-pgo-");
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    "msbuild", project, "-restore", "-nologo", "-t:ResolveFrameworkReferences;AppHostStaticPgo",
                    "-p:RuntimeIdentifier=linux-x64", "-p:Configuration=Release", $"-p:ArtifactsPath={scratch.FullName}",
                    "-getProperty:IlcPgoOptimize", "-getProperty:IlcMibcPath",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string property in switches)
            {
                start.ArgumentList.Add(property);
            }

            using var msbuild = Process.Start(start)!;
            var output = msbuild.StandardOutput.ReadToEndAsync();
            var errors = msbuild.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(MsBuildLimit);
            await msbuild.WaitForExitAsync(limit.Token);
            Assert.True(msbuild.ExitCode == 0, $"dotnet msbuild failed: {await output}{await errors}");

            // With two properties asked for, MSBuild prints {"Properties": {...}} after any restore lines.
            string text = await output;
            using var json = JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..]);
            return json.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
