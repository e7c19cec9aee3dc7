using System.Text.Json;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// An OCI image archive unpacked with <c>umoci unpack</c> into a runtime bundle: the root file system
/// and the config.json a runtime would run, whose entrypoint, user and environment come from the
/// image's config. The archive is extracted first: umoci reads an OCI layout folder, not its tar.
/// </summary>
public sealed class UnpackedImage : IDisposable
{
    private readonly TempDirectory _directory;

    private UnpackedImage(TempDirectory directory, IReadOnlyList<string> entrypoint, string user, IReadOnlyList<string> environment)
    {
        _directory = directory;
        Entrypoint = entrypoint;
        User = user;
        Environment = environment;
    }

    /// <summary>The image's root file system.</summary>
    public string Root => Path.Combine(_directory.Path, "bundle", "rootfs");

    /// <summary>The program and arguments the image runs (its Entrypoint and Cmd).</summary>
    public IReadOnlyList<string> Entrypoint { get; }

    /// <summary>UID:GID, as the image's User gives them.</summary>
    public string User { get; }

    /// <summary>NAME=VALUE lines: the image's Env and what umoci adds as any runtime does (PATH, HOME).</summary>
    public IReadOnlyList<string> Environment { get; }

    /// <param name="archive">An OCI archive: artifacts/container/RID/NAME.tar.</param>
    /// <param name="reference">The image's name in it (org.opencontainers.image.ref.name), such as apphostsample:1.2.3.</param>
    public static async Task<UnpackedImage> UnpackAsync(string archive, string reference)
    {
        var directory = new TempDirectory();
        try
        {
            string layout = Directory.CreateDirectory(Path.Combine(directory.Path, "layout")).FullName;
            (await CommandRun.RunAsync(["tar", "-xf", archive, "-C", layout])).AssertSucceeded();
            (await CommandRun.RunAsync(["umoci", "unpack", "--image", $"{layout}:{reference}", Path.Combine(directory.Path, "bundle")])).AssertSucceeded();

            using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory.Path, "bundle", "config.json")));
            var process = config.RootElement.GetProperty("process");
            var user = process.GetProperty("user");
            return new UnpackedImage(directory,
                [.. process.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)],
                $"{user.GetProperty("uid").GetInt32()}:{user.GetProperty("gid").GetInt32()}",
                [.. process.GetProperty("env").EnumerateArray().Select(e => e.GetString()!)]);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public void Dispose() => _directory.Dispose();
}
