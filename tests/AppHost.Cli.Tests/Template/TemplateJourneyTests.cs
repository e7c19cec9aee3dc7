using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using AppHost.Cli.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Cli.Tests.Template;

/// <summary>
/// The README's journey, end to end: install the template, dotnet new apphost -n Shop, its tests
/// pass, apphost publish makes the native file, and that file serves HTTP/2 with an apphost cert
/// certificate and stops on SIGTERM.
/// </summary>
[Collection(RepositoryBuildCollection.Name)]
public sealed partial class TemplateJourneyTests(TemplateFixture template) : IClassFixture<TemplateFixture>
{
    [Fact]
    public async Task TemplateIsListedWithItsParameters()
    {
        var list = await TemplateFixture.DotnetAsync(template.Work, "new", "list", "apphost", "--debug:custom-hive", template.Hive);
        var help = await TemplateFixture.DotnetAsync(template.Work, "new", "apphost", "--help", "--debug:custom-hive", template.Hive);

        Assert.Contains(list.StandardOutput, l => l.Contains("AppHost native web server", StringComparison.Ordinal) && l.Contains("apphost", StringComparison.Ordinal));
        string options = string.Join('\n', help.StandardOutput);
        Assert.Contains("--port", options);
        Assert.Contains("Default: 8080", options);
        Assert.Contains("--skipRestore", options);
    }

    [Fact]
    public void SolutionIsNamedAfterTheApp()
    {
        string root = template.FromTemplate;

        Assert.True(File.Exists(Path.Combine(root, "Shop.sln")));
        Assert.True(File.Exists(Path.Combine(root, "src/Shop/Shop.csproj")));
        Assert.True(File.Exists(Path.Combine(root, "tests/Shop.Tests/Shop.Tests.csproj")));
        Assert.True(File.Exists(Path.Combine(root, "global.json")));
        Assert.Contains("<AssemblyName>shop</AssemblyName>", File.ReadAllText(Path.Combine(root, "src/Shop/Shop.csproj")));
        Assert.Contains("SHOP_PORT", File.ReadAllText(Path.Combine(root, "README.md")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(root, "publish.sh")).HasFlag(UnixFileMode.UserExecute));
        }
    }

    [Fact]
    public void ToolCreatesTheSameSolutionAsDotnetNew()
    {
        Assert.Equal(template.TemplateFiles.Keys.Order(), template.ToolFiles.Keys.Order());
        foreach (var (path, content) in template.TemplateFiles)
        {
            Assert.True(content == template.ToolFiles[path], $"{path} differs between dotnet new and apphost new");
        }
    }

    [Fact]
    public void GeneratedAppHoldsOnlyItsOwnCode()
    {
        string app = Path.Combine(template.FromTemplate, "src/Shop");
        var sources = template.TemplateFiles.Where(f => f.Key.StartsWith("src/Shop/", StringComparison.Ordinal) && f.Key.EndsWith(".cs", StringComparison.Ordinal)).ToList();
        int Lines(string text) => text.Split('\n').Length;

        // The issue's budget for a generated app: about 500 lines of C#, no file over 150, and no
        // machinery (P/Invoke, unsafe code, start-up tuning files): that is the package's.
        Assert.InRange(sources.Sum(f => Lines(f.Value)), 1, 500);
        Assert.All(sources, f => Assert.True(Lines(f.Value) <= 150, $"{f.Key} has {Lines(f.Value)} lines"));
        Assert.All(sources, f => Assert.DoesNotMatch(@"DllImport|LibraryImport|\bunsafe\b|UnsafeAccessor", f.Value));
        Assert.DoesNotContain(template.TemplateFiles.Keys, p => p.EndsWith(".rd.xml", StringComparison.Ordinal) || p.EndsWith("StartupOrder.txt", StringComparison.Ordinal));
        Assert.Contains("<PackageReference Include=\"AppHost.Server\" />", File.ReadAllText(Path.Combine(app, "Shop.csproj")));
    }

    [Fact]
    public void TemplatePinsThePackagesItShipsWith()
    {
        string pins = template.TemplateFiles["Directory.Packages.props"];

        foreach (string id in (string[])["AppHost.Server", "AppHost.Testing"])
        {
            string package = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(template.Packages, id + ".*.nupkg")));
            string version = package[(id.Length + 1)..];
            Assert.Contains($"<PackageVersion Include=\"{id}\" Version=\"{version}\" />", pins);
        }
    }

    [Fact]
    public async Task GeneratedSolutionTestsPass()
    {
        var run = await TemplateFixture.DotnetAsync(template.FromTemplate, "test");

        Assert.Contains(run.StandardOutput, l => l.Contains("Passed!", StringComparison.Ordinal) && l.Contains("Failed:     0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishedNativeFileServesHttp2AndStopsOnSigterm()
    {
        // Files of the user's own in wwwroot/: they must come out inside the native file. One sits
        // under /api/, beside the /api/greeting endpoint; one has a type the build does not know.
        string added = Path.Combine(template.FromTemplate, "src/Shop/wwwroot/api/added.json");
        string unknown = Path.Combine(template.FromTemplate, "src/Shop/wwwroot/data/blob.xyz");
        Directory.CreateDirectory(Path.GetDirectoryName(added)!);
        Directory.CreateDirectory(Path.GetDirectoryName(unknown)!);
        await File.WriteAllTextAsync(added, """{ "added": "before publish" }""");
        await File.WriteAllBytesAsync(unknown, [0, 1, 2, 3]);

        // No --rid, as a new user types it: the file is for this machine, and the tool says so.
        string rid = RuntimeInformation.RuntimeIdentifier;
        var publish = (await AppHostTool.RunAsync(template.FromTemplate, "publish")).AssertSucceeded();
        Assert.Contains(publish.StandardError.Concat(publish.StandardOutput), l => l.Contains($"for {rid}, this machine's own", StringComparison.Ordinal));
        string fingerprint = (await AppHostTool.RunAsync(template.FromTemplate, "cert", "-o", "dev.pfx", "--force")).AssertSucceeded().StandardOutput.Single();

        string file = Path.Combine(template.FromTemplate, "artifacts/publish", rid, OperatingSystem.IsWindows() ? "shop.exe" : "shop");
        Assert.Contains($"path    {file}", publish.StandardOutput);
        Assert.Contains("mode    native (NativeAOT)", publish.StandardOutput);
        Assert.Contains(publish.StandardError, l => l.StartsWith("Smoke test passed", StringComparison.Ordinal));
        Assert.Equal([Path.GetFileName(file)], Directory.GetFileSystemEntries(Path.GetDirectoryName(file)!).Select(Path.GetFileName));
        if (OperatingSystem.IsLinux())
        {
            Assert.Matches(GlibcLine(), string.Join('\n', publish.StandardOutput));
        }

        // Copied alone into an empty folder, as to a server: nothing beside it.
        string alone = Path.Combine(template.Work, "server");
        Directory.CreateDirectory(alone);
        File.Copy(file, Path.Combine(alone, Path.GetFileName(file)), overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(alone, Path.GetFileName(file)), File.GetUnixFileMode(file));
        }

        string pfx = Path.Combine(template.FromTemplate, "dev.pfx");
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, password: null);
        Assert.Equal(fingerprint, certificate.GetCertHashString(HashAlgorithmName.SHA256));
        await using var server = await RunningApp.StartAsync(Path.Combine(alone, Path.GetFileName(file)), "--cert", pfx);
        using var client = TestClients.Http2(server.Address, certificate);
        using var response = await client.GetAsync("/api/greeting?name=Shop");
        using var served = await client.GetAsync("/api/added.json");
        using var blob = await client.GetAsync("/data/blob.xyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("application/json", served.Content.Headers.ContentType!.ToString());
        Assert.Equal(await File.ReadAllTextAsync(added), await served.Content.ReadAsStringAsync());
        Assert.Equal("application/octet-stream", blob.Content.Headers.ContentType!.ToString());
        Assert.Equal([0, 1, 2, 3], await blob.Content.ReadAsByteArrayAsync());
        server.Process.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await server.Process.WaitForExitAsync(RunningApp.StartTimeout));
    }

    [Fact]
    public async Task BuildFailureShowsTheCompilerErrorsOnly()
    {
        (await AppHostTool.RunAsync(template.Work, "new", "Broken")).AssertSucceeded();
        string program = Path.Combine(template.Work, "broken/src/Broken/Program.cs");
        File.AppendAllText(program, "\nthis is not C#\n");

        var run = await AppHostTool.RunAsync(Path.Combine(template.Work, "broken"), "publish", "--rid", RuntimeInformation.RuntimeIdentifier);

        Assert.Equal(4, run.ExitCode);
        string[] errors = [.. run.StandardError.SkipWhile(l => !l.StartsWith("error: ", StringComparison.Ordinal))];
        Assert.StartsWith("error: dotnet publish failed", errors[0]);
        Assert.All(errors.Skip(1), line => Assert.Contains(": error CS", line));
        Assert.InRange(errors.Length, 2, 21);
        Assert.False(Directory.Exists(Path.Combine(template.Work, "broken/artifacts/publish")));
    }

    [GeneratedRegex(@"glibc   2\.\d+ or newer")]
    private static partial Regex GlibcLine();
}
