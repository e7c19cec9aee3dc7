using AppHost.Files;

namespace AppHost.Acme.Renewal;

/// <summary>
/// One process at a time orders for a state folder. The lock is <c>acme.lock</c> opened with
/// FileShare.None, which .NET takes as an exclusive flock(2) on Unix: the kernel releases it when
/// the holder exits or dies, so there are no stale locks to expire (certmagic needs those because
/// its storage may be NFS or a database; ours is a local folder).
/// </summary>
internal sealed class StateLock : IDisposable
{
    // Another process holding the lock is in the middle of an order, which takes seconds; checking
    // once a second costs nothing and notices the release soon enough.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly FileStream _file;

    private StateLock(FileStream file) => _file = file;

    public const string FileName = "acme.lock";

    /// <summary>Takes the lock at once, or returns null when another holder has it.</summary>
    public static StateLock? TryTake(string folder)
    {
        // The folder may have gone since start-up (removed by hand, or systemctl clean): made again, 0700.
        StateFolder.CreatePrivate(folder);
        try
        {
            return new StateLock(new FileStream(Path.Combine(folder, FileName), AtomicFile.PrivateOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite)));
        }
        catch (IOException e) when (e is not DirectoryNotFoundException and not FileNotFoundException and not PathTooLongException)
        {
            // EWOULDBLOCK from flock: held by another process, or another FileStream of this one.
            return null;
        }
    }

    /// <summary>Waits for the lock, checking every second, until <paramref name="cancel"/> fires.</summary>
    public static async Task<StateLock> TakeAsync(string folder, TimeProvider time, CancellationToken cancel)
    {
        while (true)
        {
            if (TryTake(folder) is { } taken)
            {
                return taken;
            }

            await Task.Delay(PollInterval, time, cancel);
        }
    }

    public void Dispose() => _file.Dispose();
}
