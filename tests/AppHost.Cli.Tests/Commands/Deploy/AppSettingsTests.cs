using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>The app's options, environment and secrets reach its unit as systemd reads them back, or are refused in one line.</summary>
public sealed class AppSettingsTests
{
    [Fact]
    public void PlainWordsStayAsTheyAreAndOthersAreQuotedWithSpecifiersDoubled()
    {
        Assert.Equal("--greeting", AppSettings.ForExecStart("--greeting"));
        Assert.Equal("\"Good day\"", AppSettings.ForExecStart("Good day"));
        Assert.Equal("\"100%% \\\"sure\\\" $$HOME\"", AppSettings.ForExecStart("100% \"sure\" $HOME"));
        Assert.Equal("\"GREETING=50%% off \\\\o/\"", AppSettings.ForEnvironment(new("GREETING", "50% off \\o/")));
    }

    [Fact]
    public void TheUnitCarriesTheAppsOptionsEnvironmentAndSecrets()
    {
        var app = AppSettings.Create(["--greeting", "Good day", "--host-name", "shop.example.com"], ["SHOP_MODE=fast"], [new("database-url", "/etc/shop/db")]);
        var service = ServiceDefinition.Create("shop", "/opt/shop/shop", null, null, "/etc/ssl/shop.pem", "/etc/ssl/shop.key", null, app: app);

        string unit = UnitFiles.Render(service)[0].Content;

        Assert.Contains("--shutdown-timeout 30 --greeting \"Good day\" --host-name shop.example.com\n", unit);
        Assert.Contains("\nEnvironment=\"SHOP_MODE=fast\"\n", unit);
        Assert.Contains("\nLoadCredential=database-url:/etc/shop/db\n", unit);
    }

    [Theory]
    [InlineData("--port", "'--port' after -- is written by apphost itself")]
    [InlineData("--cert=/x.pem", "'--cert' after -- is written by apphost itself")]
    [InlineData("line\nbreak", "holds a line break or control character")]
    public void OptionsTheUnitsWriteAndLineBreaksAreRefused(string argument, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => AppSettings.Create([argument], [], []));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("NOVALUE", "is not NAME=VALUE")]
    [InlineData("1ST=x", "is not NAME=VALUE")]
    public void EnvironmentMustBeNameEqualsValue(string setting, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => AppSettings.Create([], [setting], []));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ANameGivenTwiceIsRefused()
    {
        Assert.Contains("--env A is given twice", Assert.Throws<ArgumentException>(() => AppSettings.Create([], ["A=1", "A=2"], [])).Message);
        Assert.Contains("--secret db is given twice", Assert.Throws<ArgumentException>(() => AppSettings.Create([], [], [new("db", "/a"), new("db", "/b")])).Message);
    }

    [Fact]
    public void TheCertificatesCredentialNamesAreNotSecretNames()
    {
        Assert.Contains("not cert or key", Assert.Throws<ArgumentException>(() => AppSettings.Create([], [], [new("cert", "/etc/x")])).Message);
    }
}
