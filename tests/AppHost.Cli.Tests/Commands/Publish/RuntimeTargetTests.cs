using System.Runtime.InteropServices;
using AppHost.Cli.Commands.Publish;

namespace AppHost.Cli.Tests.Commands.Publish;

public sealed class RuntimeTargetTests
{
    [Theory]
    [InlineData("linux-x64", TargetOs.Linux, Architecture.X64, "shop")]
    [InlineData("linux-musl-arm64", TargetOs.LinuxMusl, Architecture.Arm64, "shop")]
    [InlineData("win-arm64", TargetOs.Windows, Architecture.Arm64, "shop.exe")]
    [InlineData("osx-arm64", TargetOs.MacOS, Architecture.Arm64, "shop")]
    public void KnownRidIsUnderstood(string rid, TargetOs os, Architecture architecture, string fileName)
    {
        var target = RuntimeTarget.Parse(rid);

        Assert.Equal((os, architecture), (target.Os, target.Architecture));
        Assert.Equal(fileName, target.FileName("shop"));
    }

    [Fact]
    public void UnknownRidIsRefusedWithTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => RuntimeTarget.Parse("linux-x65"));

        Assert.Contains("unknown RID 'linux-x65'", error.Message);
        Assert.Contains("linux-arm64", error.Message);
    }
}
