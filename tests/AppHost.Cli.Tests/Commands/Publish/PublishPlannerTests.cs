using System.Runtime.InteropServices;
using AppHost.Cli.Commands.Publish;

namespace AppHost.Cli.Tests.Commands.Publish;

/// <summary>NativeAOT where this machine can build it for the RID, a single file otherwise, for a matrix of hosts and toolchains.</summary>
public sealed class PublishPlannerTests
{
    private static readonly string[] LinuxGcc = ["gcc", "objcopy"];
    private static readonly string[] LinuxClang = ["clang", "llvm-objcopy"];
    private static readonly string[] Arm64Cross = ["clang", "llvm-objcopy", "aarch64-linux-gnu-ld"];

    [Theory]
    // Same system and processor: native.
    [InlineData("linux-x64", TargetOs.Linux, Architecture.X64, "gcc objcopy", PublishMode.Native)]
    [InlineData("linux-x64", TargetOs.Linux, Architecture.X64, "clang llvm-objcopy", PublishMode.Native)]
    [InlineData("linux-arm64", TargetOs.Linux, Architecture.Arm64, "gcc objcopy", PublishMode.Native)]
    [InlineData("osx-arm64", TargetOs.MacOS, Architecture.Arm64, "", PublishMode.Native)]
    [InlineData("win-x64", TargetOs.Windows, Architecture.X64, "", PublishMode.Native)]
    [InlineData("linux-musl-x64", TargetOs.LinuxMusl, Architecture.X64, "gcc objcopy", PublishMode.Native)]
    // Another system: NativeAOT cannot cross systems, so a single file.
    [InlineData("win-x64", TargetOs.Linux, Architecture.X64, "gcc objcopy", PublishMode.SingleFile)]
    [InlineData("osx-arm64", TargetOs.Linux, Architecture.X64, "gcc objcopy", PublishMode.SingleFile)]
    [InlineData("linux-x64", TargetOs.MacOS, Architecture.Arm64, "", PublishMode.SingleFile)]
    [InlineData("linux-musl-x64", TargetOs.Linux, Architecture.X64, "gcc objcopy", PublishMode.SingleFile)]
    [InlineData("linux-x64", TargetOs.LinuxMusl, Architecture.X64, "gcc objcopy", PublishMode.SingleFile)]
    // Same system, other processor: macOS and Windows toolchains target both.
    [InlineData("osx-x64", TargetOs.MacOS, Architecture.Arm64, "", PublishMode.Native)]
    [InlineData("win-arm64", TargetOs.Windows, Architecture.X64, "", PublishMode.Native)]
    public void ModeFollowsSystemProcessorAndTools(string rid, TargetOs os, Architecture architecture, string tools, PublishMode expected)
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse(rid), Host(os, architecture, tools.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.Equal(expected, plan.Mode);
        Assert.Null(plan.Missing);
        Assert.Contains(expected == PublishMode.Native ? "PublishAot=true" : "PublishSingleFile=true", plan.Properties);
    }

    [Fact]
    public void LinuxCrossArchitectureIsNativeWhenTheCrossToolchainIsPresent()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm64"), Host(TargetOs.Linux, Architecture.X64, Arm64Cross, "/usr/lib/gcc-cross/aarch64-linux-gnu"));

        Assert.Equal(PublishMode.Native, plan.Mode);
        Assert.Contains("cross-compiling", plan.Note);
    }

    [Fact]
    public void LinuxCrossArchitectureWithoutToolchainFallsBackAndSaysWhatToInstall()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm64"), Host(TargetOs.Linux, Architecture.X64, LinuxGcc));

        Assert.Equal(PublishMode.SingleFile, plan.Mode);
        Assert.Contains("sudo apt-get install clang llvm binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu", plan.Note);
    }

    [Fact]
    public void CrossToolchainWithoutItsGccRuntimeFilesIsNotEnough()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm64"), Host(TargetOs.Linux, Architecture.X64, Arm64Cross));

        Assert.Equal(PublishMode.SingleFile, plan.Mode);
    }

    [Theory]
    [InlineData("", "a C linker, clang or gcc", "sudo apt-get install clang")]
    [InlineData("gcc", "objcopy", "sudo apt-get install binutils")]
    [InlineData("clang objcopy", "llvm-objcopy", "sudo apt-get install llvm")]
    public void MissingLinuxToolIsNamedWithItsPackage(string tools, string what, string install)
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-x64"), Host(TargetOs.Linux, Architecture.X64, tools.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.NotNull(plan.Missing);
        Assert.Contains(what, plan.Missing.What);
        Assert.StartsWith(install, plan.Missing.Install);
    }

    [Fact]
    public void LinuxClangIsPreferredAsNativeAotDoes()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-x64"), Host(TargetOs.Linux, Architecture.X64, [.. LinuxClang, "gcc"]));

        Assert.Null(plan.Missing);
    }

    private static HostMachine Host(TargetOs os, Architecture architecture, string[] tools, params string[] directories) =>
        new(os, architecture, tools.Contains, directories.Contains);
}
