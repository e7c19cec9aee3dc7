namespace AppHost.Cli.Tests.Commands.New;

/// <summary><c>apphost new</c> creates the solution from the template inside the tool, named after the app.</summary>
public sealed class NewCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task SolutionIsNamedAfterTheApp()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "new", "Contoso.Shop", "--port", "9000")).AssertSucceeded();

        string root = Path.Combine(_directory.Path, "contoso.shop");
        Assert.Equal(root, Assert.Single(run.StandardOutput));
        Assert.True(File.Exists(Path.Combine(root, "Contoso.Shop.sln")));
        Assert.True(File.Exists(Path.Combine(root, "src/Contoso.Shop/Contoso.Shop.csproj")));
        Assert.True(File.Exists(Path.Combine(root, "tests/Contoso.Shop.Tests/Contoso.Shop.Tests.csproj")));
        Assert.Contains("<AssemblyName>contoso.shop</AssemblyName>", File.ReadAllText(Path.Combine(root, "src/Contoso.Shop/Contoso.Shop.csproj")));
        Assert.Contains("namespace Contoso.Shop;", File.ReadAllText(Path.Combine(root, "src/Contoso.Shop/Program.cs")));
        Assert.Contains("private const int DefaultPort = 9000;", File.ReadAllText(Path.Combine(root, "src/Contoso.Shop/Program.cs")));
        Assert.Contains("CONTOSO_SHOP_PORT", File.ReadAllText(Path.Combine(root, "README.md")));
        Assert.False(Directory.Exists(Path.Combine(root, ".template.config")));
        Assert.DoesNotContain(Directory.GetFiles(root, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("apphostsample", StringComparison.OrdinalIgnoreCase));
        // The port is replaced as text: the template may say 8080 nowhere else, or that would change too.
        Assert.DoesNotContain(Directory.GetFiles(root, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("8080", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(root, "publish.sh")).HasFlag(UnixFileMode.UserExecute));
        }
    }

    [Fact]
    public async Task NonEmptyFolderIsNeverWrittenInto()
    {
        string root = Path.Combine(_directory.Path, "shop");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "notes.txt"), "mine");

        var run = await AppHostTool.RunAsync(_directory.Path, "new", "Shop");

        run.AssertOneLineError(2, "already exists and is not empty", "-o");
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task NameThatCannotBeANamespaceIsRefused()
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "new", "my-shop");

        run.AssertOneLineError(2, "name 'my-shop'");
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();
}
