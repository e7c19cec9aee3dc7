using System.Runtime.InteropServices;
using AppHost.Cli.Commands.Publish;

namespace AppHost.Cli.Tests.Commands.Publish;

/// <summary>NativeAOT where this machine can build it for the RID, a single file otherwise, for a matrix of hosts and toolchains.</summary>
public sealed class PublishPlannerTests
{
    private static readonly string[] LinuxGcc = ["gcc", "objcopy"];
    private static readonly string[] LinuxClang = ["clang", "llvm-objcopy"];
    private static readonly string[] LinuxClangLld = ["clang", "ld.lld", "llvm-objcopy", "xz"];
    private static readonly string[] ArmCross = ["clang", "llvm-objcopy", "arm-linux-gnueabihf-ld"];

    [Theory]
    // Same system and processor: native.
    [InlineData("linux-x64", TargetOs.Linux, Architecture.X64, "clang ld.lld llvm-objcopy xz", PublishMode.Native)]
    [InlineData("linux-x64", TargetOs.Linux, Architecture.X64, "clang ld.lld objcopy xz", PublishMode.Native)]
    [InlineData("linux-arm64", TargetOs.Linux, Architecture.Arm64, "clang ld.lld objcopy xz", PublishMode.Native)]
    // The other processor of the two Linux ones the old-glibc link covers: native, by clang's target triple.
    [InlineData("linux-arm64", TargetOs.Linux, Architecture.X64, "clang ld.lld llvm-objcopy xz", PublishMode.Native)]
    [InlineData("linux-x64", TargetOs.Linux, Architecture.Arm64, "clang ld.lld llvm-objcopy xz", PublishMode.Native)]
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
    public void LinuxArm64FromX64IsCrossCompiledAndSaysSo()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm64"), Host(TargetOs.Linux, Architecture.X64, LinuxClangLld));

        Assert.Equal(PublishMode.Native, plan.Mode);
        Assert.Contains("cross-compiling NativeAOT for linux-arm64", plan.Note);
    }

    [Theory]
    // gcc cannot link against another glibc (it ignores the sysroot), so clang and lld are needed even with gcc here.
    [InlineData("linux-x64", "gcc objcopy xz", "clang, ld.lld (")]
    [InlineData("linux-x64", "clang llvm-objcopy xz", "ld.lld (")]
    [InlineData("linux-arm64", "gcc objcopy", "clang, ld.lld, llvm-objcopy, xz (")]
    // GNU objcopy reads only this machine's processor: a cross build needs llvm-objcopy.
    [InlineData("linux-arm64", "clang ld.lld objcopy xz", "llvm-objcopy (")]
    // The sysroot's Debian packages are xz-compressed: a slim image without xz-utils is named before the build.
    [InlineData("linux-x64", "clang ld.lld llvm-objcopy", "xz (")]
    public void PortableLinuxNamesEveryMissingToolAndTheOneAptLine(string rid, string tools, string what)
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse(rid), Host(TargetOs.Linux, Architecture.X64, tools.Split(' ')));

        Assert.Equal(PublishMode.Native, plan.Mode);
        Assert.NotNull(plan.Missing);
        Assert.StartsWith(what, plan.Missing.What, StringComparison.Ordinal);
        Assert.StartsWith("sudo apt-get install clang lld llvm xz-utils (", plan.Missing.Install, StringComparison.Ordinal);
    }

    [Fact]
    public void LinuxArmCrossIsNativeWhenTheCrossToolchainIsPresent()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm"), Host(TargetOs.Linux, Architecture.X64, ArmCross, "/usr/lib/gcc-cross/arm-linux-gnueabihf"));

        Assert.Equal(PublishMode.Native, plan.Mode);
        Assert.Contains("cross-compiling", plan.Note);
    }

    [Fact]
    public void LinuxArmCrossWithoutToolchainFallsBackAndSaysWhatToInstall()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm"), Host(TargetOs.Linux, Architecture.X64, LinuxGcc));

        Assert.Equal(PublishMode.SingleFile, plan.Mode);
        Assert.Contains("sudo apt-get install clang llvm binutils-arm-linux-gnueabihf gcc-arm-linux-gnueabihf", plan.Note);
    }

    [Fact]
    public void CrossToolchainWithoutItsGccRuntimeFilesIsNotEnough()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-arm"), Host(TargetOs.Linux, Architecture.X64, ArmCross));

        Assert.Equal(PublishMode.SingleFile, plan.Mode);
    }

    [Theory]
    [InlineData("", "a C linker, clang or gcc", "sudo apt-get install clang")]
    [InlineData("gcc", "objcopy", "sudo apt-get install binutils")]
    [InlineData("clang objcopy", "llvm-objcopy", "sudo apt-get install llvm")]
    public void MissingMuslToolIsNamedWithItsPackage(string tools, string what, string install)
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-musl-x64"), Host(TargetOs.LinuxMusl, Architecture.X64, tools.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.NotNull(plan.Missing);
        Assert.Contains(what, plan.Missing.What);
        Assert.StartsWith(install, plan.Missing.Install);
    }

    [Fact]
    public void MuslClangIsPreferredAsNativeAotDoes()
    {
        var plan = PublishPlanner.Decide(RuntimeTarget.Parse("linux-musl-x64"), Host(TargetOs.LinuxMusl, Architecture.X64, [.. LinuxClang, "gcc"]));

        Assert.Null(plan.Missing);
    }

    private static HostMachine Host(TargetOs os, Architecture architecture, string[] tools, params string[] directories) =>
        new(os, architecture, tools.Contains, directories.Contains);
}
