namespace AppHost.Cli.Tests.Commands.Publish;

/// <summary>Every way <c>apphost publish</c> can be given something wrong: one line, a documented exit code, before any long step.</summary>
public sealed class PublishCommandErrorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task MissingProjectIsNamed()
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "publish", "nowhere", "--rid", "linux-x64");

        run.AssertOneLineError(2, "nowhere' does not exist", "give the app's .csproj");
    }

    [Fact]
    public async Task FolderWithoutProjectIsNamed()
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "publish", "--rid", "linux-x64");

        run.AssertOneLineError(2, "no app project in", "give the .csproj");
    }

    [Fact]
    public async Task UnknownRidIsRefusedWithTheKnownOnes()
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "publish", "--rid", "linux-x65");

        run.AssertOneLineError(2, "unknown RID 'linux-x65'", "linux-x64");
    }

    [Fact]
    public async Task OneOutputFolderForTwoRidsIsRefused()
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "publish", "--rid", "linux-x64", "--rid", "linux-arm64", "-o", "out");

        run.AssertOneLineError(2, "-o names the folder of one file, and 2 RIDs were given", "leave out -o");
    }

    [Fact]
    public async Task LibraryProjectIsNotAnApp()
    {
        string project = Path.Combine(_directory.Path, "Library.csproj");
        File.WriteAllText(project, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);

        var run = await AppHostTool.RunAsync(_directory.Path, "publish", project, "--rid", "linux-x64");

        run.AssertOneLineError(2, "is not an executable project (OutputType 'Library')");
    }

    [Fact]
    public async Task MissingLinkerIsNamedWithItsPackageBeforeBuilding()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A PATH holding dotnet alone: no clang, lld, objcopy or xz.
        string bin = Directory.CreateDirectory(Path.Combine(_directory.Path, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "dotnet"), ResolveDotnet());
        var run = await CommandRun.RunAsync([CommandRun.DotnetHost(), "exec", AppHostTool.Path, "publish", "--rid", "linux-x64"],
            _directory.Path, TimeSpan.FromMinutes(1), environment: new Dictionary<string, string> { ["PATH"] = bin });

        run.AssertOneLineError(3, "needs clang, ld.lld, llvm-objcopy, xz (", "sudo apt-get install clang lld llvm xz-utils");
    }

    public void Dispose() => _directory.Dispose();

    private static string ResolveDotnet()
    {
        string host = CommandRun.DotnetHost();
        return Path.IsPathRooted(host) ? host : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, host)).First(File.Exists);
    }
}
