using System.Text.RegularExpressions;
using AppHost.Cli.Commands.Publish;

namespace AppHost.Cli.Tests.Commands.Publish;

/// <summary>The glibc version read from an ELF file agrees with what objdump (binutils) reads.</summary>
public sealed partial class GlibcRequirementTests
{
    [Theory]
    [InlineData("/bin/ls")]
    [InlineData("/bin/sh")]
    public async Task VersionMatchesObjdump(string program)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(GlibcRequirement.Read(Environment.ProcessPath!));
            return;
        }

        Assert.Equal(await ObjdumpNewestGlibcAsync(program), GlibcRequirement.Read(program));
    }

    [Fact]
    public void FileThatIsNotElfHasNoRequirement()
    {
        string text = Path.GetTempFileName();
        File.WriteAllText(text, "#!/bin/sh\necho not an ELF file\n");

        Assert.Null(GlibcRequirement.Read(text));
        File.Delete(text);
    }

    private static async Task<Version> ObjdumpNewestGlibcAsync(string program)
    {
        string output = (await CommandRun.RunAsync(["objdump", "-T", program])).AssertSucceeded().Output;
        return GlibcVersion().Matches(output).Select(m => Version.Parse(m.Groups[1].Value)).Max()!;
    }

    [GeneratedRegex(@"GLIBC_([0-9]+\.[0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex GlibcVersion();
}
