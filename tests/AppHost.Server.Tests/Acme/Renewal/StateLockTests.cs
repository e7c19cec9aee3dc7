using AppHost.Acme.Renewal;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Acme.Renewal;

// File modes and flock(2) are what is tested: Unix only.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StateLockTests
{
    [Fact]
    public void SecondHolderIsRefusedUntilTheFirstReleases()
    {
        using var folder = new TempDirectory();

        var first = StateLock.TryTake(folder.Path);
        Assert.NotNull(first);
        Assert.Null(StateLock.TryTake(folder.Path));

        first.Dispose();
        using var second = StateLock.TryTake(folder.Path);
        Assert.NotNull(second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder.Path, StateLock.FileName)));
    }

    [Fact]
    public async Task AWaiterGetsTheLockWhenTheHolderReleasesIt()
    {
        using var folder = new TempDirectory();
        var holder = StateLock.TryTake(folder.Path)!;

        var waiting = StateLock.TakeAsync(folder.Path, TimeProvider.System, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        holder.Dispose();

        // The waiter checks once a second; 10 s is for a busy machine.
        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(StateLock.TryTake(folder.Path));
    }

    [Fact]
    public async Task AWaiterStopsWhenCancelled()
    {
        using var folder = new TempDirectory();
        using var holder = StateLock.TryTake(folder.Path)!;
        using var cancel = new CancellationTokenSource();

        var waiting = StateLock.TakeAsync(folder.Path, TimeProvider.System, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task AnotherProcessHoldingTheLockExcludesThisOneAndItsDeathReleasesIt()
    {
        using var folder = new TempDirectory();
        string lockFile = Path.Combine(folder.Path, StateLock.FileName);
        // flock(1) holds an exclusive flock on the file, the same lock .NET takes for FileShare.None.
        using var holder = System.Diagnostics.Process.Start("flock", ["--exclusive", lockFile, "sleep", "60"]);

        await Poll.UntilAsync(() => Task.FromResult(IsHeldElsewhere(folder.Path)), TimeSpan.FromSeconds(10), "flock(1) taking the lock");
        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();

        // flock(1) passed the locked descriptor on to sleep(1), whose death the wait above does not cover.
        await Poll.UntilAsync(() => Task.FromResult(!IsHeldElsewhere(folder.Path)), TimeSpan.FromSeconds(10), "the kernel releasing the dead holder's lock");
    }

    private static bool IsHeldElsewhere(string folder)
    {
        // A probe that got the lock must let go at once, or flock(1) would wait for it.
        using var probe = StateLock.TryTake(folder);
        return probe is null;
    }
}
