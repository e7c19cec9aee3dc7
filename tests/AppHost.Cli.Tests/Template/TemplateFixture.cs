using AppHost.Cli.Tests.Infrastructure;

namespace AppHost.Cli.Tests.Template;

/// <summary>
/// The user's journey, set up once for the tests that share it (it takes minutes): the template
/// and the AppHost.Server and AppHost.Testing packages packed, the template installed into a
/// template home of its own (never the user's), and a solution made from it with dotnet new, and
/// another with apphost new. Both restore the packages from the folder they were packed into, as
/// build/local-packages.sh sets up (the README's one extra step does the same for a user).
/// </summary>
public sealed class TemplateFixture : IAsyncLifetime
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _work = new();

    public string Hive => Path.Combine(_work.Path, "hive");

    /// <summary>The solution made by <c>dotnet new apphost -n Shop</c>.</summary>
    public string FromTemplate => Path.Combine(_work.Path, "from-template");

    /// <summary>The solution made by <c>apphost new Shop</c>.</summary>
    public string FromTool => Path.Combine(_work.Path, "from-tool");

    public string Work => _work.Path;

    /// <summary>Where the packages were packed.</summary>
    public string Packages => Path.Combine(_work.Path, "packages");

    public async Task InitializeAsync()
    {
        // dotnet test built them already; packing that build (--no-build) leaves the binaries in place.
        (await CommandRun.RunAsync(["bash", Path.Combine(RepositoryRoot.Path, "build/local-packages.sh"), _work.Path, "--no-build"], _work.Path, StepTimeout))
            .AssertSucceeded();
        await DotnetAsync(RepositoryRoot.Path, "pack", Path.Combine(RepositoryRoot.Path, "src/Templates/AppHost.Templates.csproj"), "-c", "Release", "-o", Packages);
        string package = Directory.GetFiles(Packages, "AppHost.Templates.*.nupkg").Single();
        await DotnetAsync(_work.Path, "new", "install", package, "--debug:custom-hive", Hive);
        await DotnetAsync(_work.Path, "new", "apphost", "-n", "Shop", "-o", FromTemplate, "--debug:custom-hive", Hive);
        (await AppHostTool.RunAsync(_work.Path, "new", "Shop", "-o", FromTool)).AssertSucceeded();
        // Taken now, before the tests build and publish in these folders.
        TemplateFiles = SolutionSnapshot.Take(FromTemplate);
        ToolFiles = SolutionSnapshot.Take(FromTool);
    }

    /// <summary>The files dotnet new made, GUIDs masked.</summary>
    public IReadOnlyDictionary<string, string> TemplateFiles { get; private set; } = new Dictionary<string, string>();

    /// <summary>The files apphost new made, GUIDs masked.</summary>
    public IReadOnlyDictionary<string, string> ToolFiles { get; private set; } = new Dictionary<string, string>();

    public Task DisposeAsync()
    {
        _work.Dispose();
        return Task.CompletedTask;
    }

    public static async Task<CommandRun> DotnetAsync(string directory, params string[] args) =>
        (await CommandRun.RunAsync([CommandRun.DotnetHost(), .. args], directory, StepTimeout)).AssertSucceeded();
}
