using System.Security.Cryptography;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Deploy;

/// <summary>The files the deploy tests roll out beside the sample's native file, made in seconds rather than by another publish.</summary>
public sealed class DeployReleases : IDisposable
{
    // A release that runs like any other for apphost's checks (--version, --check) and fails as a
    // server: what a version with a start-up bug looks like to systemd. C, so it needs no publish.
    private const string CrashingSource = """
        #include <stdio.h>
        #include <string.h>
        int main(int argc, char **argv) {
            if (argc > 1 && strcmp(argv[1], "--version") == 0) { puts("2.0.0-broken"); return 0; }
            for (int i = 1; i < argc; i++) if (strcmp(argv[i], "--check") == 0) return 0;
            fputs("fatal: cannot reach the database\n", stderr);
            return 1;
        }
        """;

    private readonly TempDirectory _folder = new();

    /// <summary>
    /// The sample's file with bytes appended: another release by content (another sha256), the same
    /// program, as the ELF loader ignores what follows the segments it maps.
    /// </summary>
    public string SecondRelease(string nativeFile)
    {
        string path = Path.Combine(_folder.Path, "second", Path.GetFileName(nativeFile));
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(nativeFile, path);
            File.AppendAllText(path, "second release");
        }

        return path;
    }

    /// <summary>An x64 program named like the sample that passes apphost's checks and exits 1 as a server, saying why on stderr.</summary>
    public async Task<string> CrashingReleaseAsync()
    {
        string source = Path.Combine(_folder.Path, "crashing.c");
        string path = Path.Combine(_folder.Path, "crashing", "apphostsample");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(source, CrashingSource);
            (await CommandRun.RunAsync(["clang", "-O2", "-o", path, source])).AssertSucceeded();
        }

        return path;
    }

    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    public void Dispose() => _folder.Dispose();
}
