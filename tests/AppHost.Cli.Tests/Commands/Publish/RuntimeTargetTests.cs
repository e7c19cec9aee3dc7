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

    [Theory]
    [InlineData(TargetOs.Linux, Architecture.X64, "linux-x64")]
    [InlineData(TargetOs.Linux, Architecture.Arm64, "linux-arm64")]
    [InlineData(TargetOs.LinuxMusl, Architecture.X64, "linux-musl-x64")]
    [InlineData(TargetOs.MacOS, Architecture.Arm64, "osx-arm64")]
    public void WithoutRidTheMachinesOwnIsChosen(TargetOs os, Architecture architecture, string rid)
    {
        var machine = new HostMachine(os, architecture, _ => true, _ => true);

        Assert.Equal(rid, RuntimeTarget.Of(machine).Rid);
    }

    [Fact]
    public void AMachineWithNoRidIsToldToGiveOne()
    {
        var machine = new HostMachine(TargetOs.MacOS, Architecture.X86, _ => true, _ => true);

        var error = Assert.Throws<ArgumentException>(() => RuntimeTarget.Of(machine));
        Assert.Contains("give one with --rid", error.Message);
    }
}
