using AppHost.Cli.Commands.New;

namespace AppHost.Cli.Tests.Commands.New;

public sealed class AppNameTests
{
    [Theory]
    [InlineData("Shop", "shop", "SHOP")]
    [InlineData("Contoso.Shop", "contoso.shop", "CONTOSO_SHOP")]
    [InlineData("Api2", "api2", "API2")]
    public void NameGivesEachForm(string name, string lowerCase, string environmentStem)
    {
        var parsed = AppName.Parse(name);

        Assert.Equal((name, lowerCase, environmentStem), (parsed.Value, parsed.LowerCase, parsed.EnvironmentStem));
    }

    [Theory]
    [InlineData("1shop")]
    [InlineData("my-shop")]
    [InlineData("Shop.")]
    [InlineData("Sh op")]
    [InlineData("")]
    public void NameThatCannotBeANamespaceIsRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => AppName.Parse(name));

        Assert.Contains($"'{name}'", error.Message);
    }
}
