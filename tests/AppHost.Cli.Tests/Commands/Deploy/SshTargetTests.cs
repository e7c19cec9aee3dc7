using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>--host takes [USER@]HOST[:PORT] and nothing ssh could take for an option.</summary>
public sealed class SshTargetTests
{
    [Theory]
    [InlineData("web1", null, "web1", null)]
    [InlineData("deploy@web1.example.com", "deploy", "web1.example.com", null)]
    [InlineData("192.0.2.10:2222", null, "192.0.2.10", 2222)]
    [InlineData("root@[2001:db8::1]:22", "root", "2001:db8::1", 22)]
    [InlineData("prod_web", null, "prod_web", null)]
    public void UserHostAndPortAreTakenApart(string text, string? user, string host, int? port)
    {
        Assert.Equal(new SshTarget(text, user, host, port), SshTarget.Parse(text));
    }

    [Theory]
    [InlineData("-oProxyCommand=sh")]
    [InlineData("web1;reboot")]
    [InlineData("web 1")]
    [InlineData("@web1")]
    [InlineData("")]
    public void AnythingElseIsRefusedWithTheForm(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => SshTarget.Parse(text));
        Assert.Contains("is not [USER@]HOST[:PORT]", error.Message);
    }

    [Fact]
    public void APortOutOfRangeIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => SshTarget.Parse("web1:70000"));
        Assert.Contains("an ssh port is from 1 to 65535", error.Message);
    }
}
