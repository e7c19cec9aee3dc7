namespace AppHost.Cli.Tests.CommandLine;

/// <summary>Every verb explains itself with --help; the tool names its version; a wrong verb is one line.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("new", "--port")]
    [InlineData("publish", "--rid")]
    [InlineData("publish", "--container")]
    [InlineData("image", "--revision")]
    [InlineData("cert", "--dns")]
    [InlineData("service", "--binary")]
    [InlineData("kube", "--image")]
    public async Task EveryVerbHasHelp(string verb, string option)
    {
        var run = (await AppHostTool.RunAsync(AppContext.BaseDirectory, verb, "--help")).AssertSucceeded();

        Assert.Contains(run.StandardOutput, l => l.Contains(option, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ToolHelpListsTheVerbs()
    {
        var run = (await AppHostTool.RunAsync(AppContext.BaseDirectory, "--help")).AssertSucceeded();

        foreach (string verb in new[] { "new", "publish", "image", "cert", "service", "kube" })
        {
            Assert.Contains(run.StandardOutput, l => l.TrimStart().StartsWith(verb, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task UnknownVerbIsOneLine()
    {
        var run = await AppHostTool.RunAsync(AppContext.BaseDirectory, "launch");

        run.AssertOneLineError(2, "launch", "apphost --help");
    }
}
