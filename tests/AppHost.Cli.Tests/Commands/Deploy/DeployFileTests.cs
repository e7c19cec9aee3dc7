using AppHost.Cli.Commands.Deploy;
using AppHost.Tests.Shared;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>deploy.json gives the options the command line leaves out, with paths relative to it, and says in one line what is wrong with it.</summary>
public sealed class DeployFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void SettingsBecomeOptionsAndTheCommandLineWins()
    {
        Write("""
            {
              "$schema": "https://example.invalid/deploy.schema.json",
              // comments are allowed
              "hosts": ["web1", "web2"],
              "binary": "artifacts/shop",
              "port": 8443,
              "proxyProtocol": true,
              "env": { "SHOP_MODE": "fast" },
              "secrets": { "db": "secrets/db" },
              "appOptions": ["--greeting", "Howdy"],
            }
            """);

        string[] args = DeployFile.AddSettings(["deploy", _directory.Path, "--port", "9443"]);

        Assert.Equal(["deploy", _directory.Path, "--port", "9443", "--host", "web1", "--host", "web2", "--binary", Path.Combine(_directory.Path, "artifacts", "shop"),
            "--proxy-protocol", "--env", "SHOP_MODE=fast", "--secret", $"db={Path.Combine(_directory.Path, "secrets", "db")}", "--", "--greeting", "Howdy"], args);
    }

    [Fact]
    public void AppOptionsOnTheCommandLineReplaceTheFiles()
    {
        Write("""{ "hosts": ["web1"], "appOptions": ["--greeting", "Howdy"] }""");

        Assert.Equal(["deploy", _directory.Path, "--host", "web1", "--", "--greeting", "Hej"], DeployFile.AddSettings(["deploy", _directory.Path, "--", "--greeting", "Hej"]));
    }

    [Fact]
    public void RollbackTakesOnlyTheHostSettings()
    {
        Write("""{ "name": "shop", "hosts": ["web1"], "port": 8443 }""");

        Assert.Equal(["rollback", _directory.Path, "--name", "shop", "--host", "web1"], DeployFile.AddSettings(["rollback", _directory.Path]));
    }

    [Theory]
    [InlineData("""{ "hosts": "web1" }""", "setting \"hosts\" must be a list of strings")]
    [InlineData("""{ "port": "443" }""", "setting \"port\" must be a whole number")]
    [InlineData("""{ "hots": ["web1"] }""", "has an unknown setting \"hots\"; the settings are name, hosts")]
    [InlineData("{ \"hosts\": [\"web1\"\n  \"web2\"] }", "is not valid JSON at line 2")]
    [InlineData("""["web1"]""", "must hold one JSON object")]
    public void AWrongFileIsOneLineNamingItAndTheSetting(string json, string message)
    {
        Write(json);

        var error = Assert.Throws<AppHost.Cli.CommandLine.CliException>(() => DeployFile.AddSettings(["deploy", _directory.Path]));
        Assert.StartsWith(Path.Combine(_directory.Path, "deploy.json") + " ", error.Message);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    public void Dispose() => _directory.Dispose();

    private void Write(string json) => File.WriteAllText(Path.Combine(_directory.Path, "deploy.json"), json);
}
