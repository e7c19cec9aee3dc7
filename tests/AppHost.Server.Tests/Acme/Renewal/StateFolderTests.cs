using AppHost.Acme.Renewal;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Acme.Renewal;

// File modes and flock(2) are what is tested: Unix only.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StateFolderTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void RootIsTheOptionThenSystemdThenXdgThenHome()
    {
        var all = Environment(("STATE_DIRECTORY", "/var/lib/shop:/var/lib/other"), ("XDG_STATE_HOME", "/x/state"), ("HOME", "/home/u"));

        Assert.Equal("/srv/state", StateFolder.Root("shop", "/srv/state", all));
        Assert.Equal("/var/lib/shop", StateFolder.Root("shop", null, all));
        Assert.Equal("/x/state/shop", StateFolder.Root("shop", null, Environment(("XDG_STATE_HOME", "/x/state"), ("HOME", "/home/u"))));
        Assert.Equal("/home/u/.local/state/shop", StateFolder.Root("shop", null, Environment(("XDG_STATE_HOME", "relative"), ("HOME", "/home/u"))));
    }

    [Fact]
    public void EachDirectoryUrlHasItsOwnFolderThatCannotClimbOut()
    {
        Assert.Equal("/s/acme/acme-v02.api.letsencrypt.org_directory",
            StateFolder.ForDirectory("/s", new Uri("https://acme-v02.api.letsencrypt.org/directory")));
        Assert.Equal("/s/acme/acme-staging-v02.api.letsencrypt.org_directory",
            StateFolder.ForDirectory("/s", new Uri("https://acme-staging-v02.api.letsencrypt.org/directory")));
        Assert.Equal("/s/acme/127.0.0.1_14000_dir", StateFolder.ForDirectory("/s", new Uri("https://127.0.0.1:14000/dir")));
        Assert.Equal("/s/acme/ca.test_a_20b_c", StateFolder.ForDirectory("/s", new Uri("https://ca.test/a b/c?d")));
        Assert.Equal("/s/acme/ca.test_etc", StateFolder.ForDirectory("/s", new Uri("https://ca.test/%2E%2E/%2E%2E/etc")));
    }

    [Fact]
    public void CreatedFoldersAreOwnerOnly()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "state", "acme", "ca");

        StateFolder.Create(path);

        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(path));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(temp.Path, "state")));
        Assert.Empty(Directory.GetFileSystemEntries(path));
    }

    [Fact]
    public void AnUnwritableFolderIsOneLineNamingIt()
    {
        using var temp = new TempDirectory();
        // A path through a regular file fails for every user, root included (a read-only folder would not).
        string file = Path.Combine(temp.Path, "a-file");
        File.WriteAllText(file, "");
        string path = Path.Combine(file, "state");

        var e = Assert.Throws<StartupException>(() => StateFolder.Create(path));

        Assert.Contains($"'{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("--state-dir", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
