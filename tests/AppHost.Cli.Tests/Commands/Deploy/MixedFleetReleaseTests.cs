using AppHost.Cli.Commands.Deploy;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Rollout;
using AppHost.Tests.Shared;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>
/// A fleet of x64 and arm64 hosts takes one file per processor (--binary repeated, or deploy.json's
/// list), each host the file of its processor; the preflight names the fix for a host that has none.
/// </summary>
public sealed class MixedFleetReleaseTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task TwoFilesForOneProcessorAreRefusedBeforeAnyHost()
    {
        string copy = Path.Combine(_directory.Path, "true");
        File.Copy("/bin/true", copy);

        var run = await AppHostTool.RunAsync(_directory.Path, "deploy", "--binary", "/bin/true", "--binary", copy, "--host", "web1");

        run.AssertOneLineError(2, $"--binary '/bin/true' and '{copy}' are all for x86_64; give one file per processor");
    }

    [Fact]
    public void EachHostGetsTheFileOfItsProcessor()
    {
        string arm64 = ArmCopyOfTrue();

        var releases = ReleaseSet.Read(["/bin/true", arm64]);

        Assert.Equal(("/bin/true", arm64), (releases.For("x86_64").Path, releases.For("aarch64").Path));
    }

    [Fact]
    public void AHostWithoutAFileOfItsProcessorIsToldToAddOne()
    {
        var release = ReleaseFile.Read("/bin/true");

        string problem = Assert.Single(Preflight.Problems(Host("aarch64"), release));

        Assert.Equal("its processor is aarch64, the file is for x86_64; publish for linux-arm64 and give that file too (--binary once per processor), "
            + "or leave --binary out so deploy publishes for each host's processor", problem);
    }

    [Fact]
    public void AProcessorApphostDoesNotPublishForIsRefusedBeforeAnythingIsPublished()
    {
        string problem = Assert.Single(Preflight.Problems(Host("riscv64"), release: null));

        Assert.Equal("its processor is riscv64; apphost makes files for x86_64 (linux-x64) and aarch64 (linux-arm64) only", problem);
    }

    [Fact]
    public void DeployJsonGivesOneFilePerProcessorAsAList()
    {
        File.WriteAllText(Path.Combine(_directory.Path, DeployFile.FileName), """{ "hosts": ["web1"], "binary": ["x64/shop", "arm64/shop"] }""");

        string[] args = DeployFile.AddSettings(["deploy", _directory.Path]);

        Assert.Equal(["deploy", _directory.Path, "--host", "web1", "--binary", Path.Combine(_directory.Path, "x64", "shop"), "--binary", Path.Combine(_directory.Path, "arm64", "shop")], args);
    }

    public void Dispose() => _directory.Dispose();

    // A host that passes every check but the processor's.
    private static HostFacts Host(string machine) => HostFacts.Parse($"uid=0\nmachine={machine}\nglibc=2.36\nsystemd=yes\nlibssl=libssl.so.3\nfree_kb=10000000\n");

    // /bin/true marked for arm64 (e_machine 183): read as an arm64 program, never run.
    private string ArmCopyOfTrue()
    {
        string path = Path.Combine(_directory.Path, "true-arm64");
        byte[] elf = File.ReadAllBytes("/bin/true");
        elf[18] = 183;
        elf[19] = 0;
        File.WriteAllBytes(path, elf);
        return path;
    }
}
