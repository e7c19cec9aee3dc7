using AppHost.Files;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Files;

// File modes and flock(2) are what is tested: Unix only.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AtomicFileTests
{
    [Fact]
    public void NewFileIsOwnerReadWriteOnlyAndNoTemporaryFileIsLeft()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "key.pem");

        AtomicFile.Write(path, "secret");

        Assert.Equal("secret", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["key.pem"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ReplacingAFileMakesItPrivateEvenWhenTheOldOneWasNot()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "cert.pem");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100); // 0644

        AtomicFile.Write(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void AWriteThatThrowsLeavesTheOldContentAndNoTemporaryFile()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "cert.pem");
        File.WriteAllText(path, "old content");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("disk full, say");
        }));

        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(["cert.pem"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }
}
