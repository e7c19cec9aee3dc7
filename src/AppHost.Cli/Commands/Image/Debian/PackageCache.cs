using System.Security.Cryptography;
using AppHost.Cli.CommandLine;
using Serilog;

namespace AppHost.Cli.Commands.Image.Debian;

/// <summary>
/// Fetches pinned .deb files once per machine and keeps them in the user's cache, named by their
/// SHA-256, as the old-glibc sysroot is kept (AppHost.Server's PrepareGlibcSysroot.cs). Every file is
/// checked against its pin when downloaded and again when read from the cache; one appears whole or
/// not at all (written beside and renamed). Nothing downloaded is ever run: files are only copied.
/// </summary>
internal sealed class PackageCache(string folder, IReadOnlyList<string> mirrors, ILogger log)
{
    // Each .deb is at most a few MB; a minute is generous on a slow line and still ends a hung download.
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(1);

    // The largest package is under 3 MB; 32 MB bounds what a broken mirror can make us hold.
    private const int MaxPackageBytes = 32 * 1024 * 1024;

    /// <summary>$XDG_CACHE_HOME/apphost/debs, else ~/.cache/apphost/debs.</summary>
    public static string DefaultFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cache = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(cache, "apphost", "debs");
    }

    /// <returns>The package's bytes, checked against its pin.</returns>
    public async Task<byte[]> GetAsync(DebianPackage package, CancellationToken cancel)
    {
        string cached = Path.Combine(folder, package.Sha256 + ".deb");
        if (File.Exists(cached))
        {
            byte[] bytes = await File.ReadAllBytesAsync(cached, cancel);
            if (Sha256Of(bytes) == package.Sha256)
            {
                return bytes;
            }

            log.Warning("The cached {File} does not match its pin; downloading it again", cached);
        }

        byte[] downloaded = await DownloadAsync(package, cancel);
        Directory.CreateDirectory(folder);
        string partial = $"{cached}.{Guid.NewGuid():N}.partial";
        await File.WriteAllBytesAsync(partial, downloaded, cancel);
        File.Move(partial, cached, overwrite: true);
        return downloaded;
    }

    private async Task<byte[]> DownloadAsync(DebianPackage package, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = DownloadTimeout, MaxResponseContentBufferSize = MaxPackageBytes };
        var problems = new List<string>();
        foreach (string mirror in mirrors)
        {
            string url = $"{mirror.TrimEnd('/')}/{package.MirrorPath}";
            try
            {
                log.Information("Downloading {Url}", url);
                byte[] bytes = await http.GetByteArrayAsync(url, cancel);
                string actual = Sha256Of(bytes);
                if (actual == package.Sha256)
                {
                    return bytes;
                }

                problems.Add($"{url} has SHA-256 {actual}, not the pinned {package.Sha256} (not used)");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                problems.Add($"{url}: {e.Message}");
            }
        }

        throw new CliException(ExitCodes.Failure,
            $"could not download {package.Name} for the image's base layer: {string.Join("; ", problems)}; "
            + $"reach {mirrors[0]}, or put the checked file in {folder} as {package.Sha256}.deb");
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
