using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Tests.Commands.Service;

/// <summary>The values the units are written from: their defaults, and paths the sandbox can see.</summary>
public sealed class ServiceDefinitionTests
{
    [Fact]
    public void CertificateMeansHttpsOn443AndARedirectFrom80()
    {
        var service = ServiceDefinition.Create("shop", "/opt/shop/shop", null, null, "/etc/ssl/shop.pfx", null, null);

        Assert.Equal((443, 80), (service.Port, service.HttpPort));
    }

    [Fact]
    public void NoCertificateMeansPlainHttpOn80AndNoRedirect()
    {
        var service = ServiceDefinition.Create("shop", "/opt/shop/shop", null, null, null, null, null);

        Assert.Equal((80, (int?)null), (service.Port, service.HttpPort));
    }

    [Fact]
    public void PathsAreWrittenNormalized()
    {
        var service = ServiceDefinition.Create("shop", "/opt//shop/./bin/../shop", null, null, "/../etc/ssl/../ssl/shop.pem", null, null);

        Assert.Equal(("/opt/shop/shop", "/etc/ssl/shop.pem"), (service.Binary, service.Certificate));
    }

    [Fact]
    public void CertificateInHomeIsFineForSystemdToReadButNotForTheServiceUser()
    {
        _ = ServiceDefinition.Create("shop", "/opt/shop/shop", null, null, "/home/me/shop.pem", null, null);

        var error = Assert.Throws<ArgumentException>(() => ServiceDefinition.Create("shop", "/opt/shop/shop", null, null, "/home/me/shop.pem", null, "shop"));
        Assert.Contains("'/home/me/shop.pem' is under /home, which the service cannot see (ProtectHome=yes)", error.Message);
    }
}
