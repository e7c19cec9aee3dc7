// The build task behind the portable native file (AppHost.Server.Glibc.targets): compiled by MSBuild's
// RoslynCodeTaskFactory at build time, not part of the package's own assembly. It makes the old-glibc
// sysroot the link needs: a handful of Debian 11 packages (the C library's link files and gcc's start
// files), downloaded from Debian once per machine, each checked against the SHA-256 pinned in the
// targets file before it is unpacked, and kept in the user's cache. Nothing downloaded is ever run:
// the files are only linked against. The cache folder appears whole or not at all.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class AppHostPrepareGlibcSysroot : Task
{
    // Each .deb is at most a few MB; a minute each is generous on a slow line and still ends a hung download.
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The packages, by pool path (pool/main/g/glibc/libc6_..._amd64.deb), each with metadata Sha256.</summary>
    [Required] public ITaskItem[] Packages { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Debian mirrors tried in order, each the folder that holds pool/.</summary>
    [Required] public string[] Mirrors { get; set; } = Array.Empty<string>();

    /// <summary>The folder that holds one sysroot per package set.</summary>
    [Required] public string CacheRoot { get; set; } = "";

    /// <summary>The assembly file that binds log and pow to old versions; assembled into the sysroot.</summary>
    [Required] public string CompatSource { get; set; } = "";

    /// <summary>clang's --target for the assembly file: x86_64-linux-gnu or aarch64-linux-gnu.</summary>
    [Required] public string TargetTriple { get; set; } = "";

    [Output] public string SysRoot { get; set; } = "";

    [Output] public string CompatObject { get; set; } = "";

    // Links such as usr/lib/x86_64-linux-gnu/libdl.so -> /lib/x86_64-linux-gnu/libdl.so.2 would point
    // into this machine's own root; made relative, they point inside the sysroot.
    private const string RelativeLinks =
        "find . -type l -lname '/*' | while read -r link; do\n" +
        "  ln -sfn \"$(realpath -s -m --relative-to=\"$(dirname \"$link\")\" \".$(readlink \"$link\")\")\" \"$link\"\n" +
        "done\n";

    public override bool Execute()
    {
        // One folder per exact content: a new package version or a changed compat file gets a new folder.
        string identity = string.Join("\n", Packages.Select(p => p.ItemSpec + " " + p.GetMetadata("Sha256"))) + "\n" + File.ReadAllText(CompatSource);
        string name = TargetTriple + "-" + Hex(Sha256(Encoding.UTF8.GetBytes(identity))).Substring(0, 12);
        SysRoot = Path.Combine(CacheRoot, name);
        CompatObject = Path.Combine(SysRoot, "apphost-glibc-compat.o");
        if (File.Exists(Path.Combine(SysRoot, ".complete")))
        {
            return true;
        }

        Directory.CreateDirectory(CacheRoot);
        string staging = Path.Combine(CacheRoot, ".staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var package in Packages)
            {
                byte[] deb = Download(package.ItemSpec, package.GetMetadata("Sha256"));
                if (deb == null)
                {
                    return false;
                }

                Unpack(deb, staging);
            }

            // Manuals and licences (the copies Debian keeps stay at the mirror); the link needs none of it.
            Directory.Delete(Path.Combine(staging, "usr", "share"), recursive: true);
            File.WriteAllText(Path.Combine(staging, "relink.sh"), RelativeLinks);
            Run("sh", "relink.sh", staging);
            File.Delete(Path.Combine(staging, "relink.sh"));
            Run("clang", "--target=" + TargetTriple + " -c \"" + CompatSource + "\" -o apphost-glibc-compat.o", staging);
            File.WriteAllText(Path.Combine(staging, ".complete"), identity);
            try
            {
                Directory.Move(staging, SysRoot);
            }
            catch (IOException) when (File.Exists(Path.Combine(SysRoot, ".complete")))
            {
                // Another build made the same folder meanwhile; its copy is identical.
            }

            Log.LogMessage(MessageImportance.High, "AppHost: made the glibc 2.31 sysroot for " + TargetTriple + " in " + SysRoot);
            return !Log.HasLoggedErrors;
        }
        catch (Exception e) when (e is InvalidOperationException || e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
        {
            Log.LogError(null, "APPHOST002", null, null, 0, 0, 0, 0, "AppHost could not make the glibc 2.31 sysroot in " + CacheRoot + ": " + e.Message);
            return false;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private byte[] Download(string poolPath, string expectedSha256)
    {
        // The largest package is under 3 MB; 32 MB bounds what a broken mirror can make the build hold.
        using (var http = new HttpClient { Timeout = DownloadTimeout, MaxResponseContentBufferSize = 32 * 1024 * 1024 })
        {
            string problems = "";
            foreach (string mirror in Mirrors)
            {
                string url = mirror.TrimEnd('/') + "/" + poolPath;
                try
                {
                    byte[] bytes = http.GetByteArrayAsync(url).GetAwaiter().GetResult();
                    string actual = Hex(Sha256(bytes));
                    if (string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
                    {
                        return bytes;
                    }

                    problems += " " + url + " has SHA-256 " + actual + ", not the pinned " + expectedSha256 + " (not used);";
                }
                catch (Exception e) when (e is HttpRequestException || e is System.Threading.Tasks.TaskCanceledException)
                {
                    problems += " " + url + ": " + e.Message + ";";
                }
            }

            Log.LogError(null, "APPHOST001", null, null, 0, 0, 0, 0,
                "AppHost could not download " + Path.GetFileName(poolPath) + " for the glibc 2.31 sysroot:" + problems
                + " set AppHostDebianMirror to a Debian mirror that has it, or -p:AppHostPortableGlibc=false to link against this machine's glibc");
            return null;
        }
    }

    // A .deb is an ar archive: "!<arch>\n", then per member a 60-byte header (name 16, dates and
    // owners 32, size 10 at offset 48, magic 2) and the data, padded to an even length.
    private void Unpack(byte[] deb, string root)
    {
        int at = 8;
        while (at + 60 <= deb.Length)
        {
            string member = Encoding.ASCII.GetString(deb, at, 16).Trim().TrimEnd('/');
            int size = int.Parse(Encoding.ASCII.GetString(deb, at + 48, 10).Trim());
            if (member.StartsWith("data.tar", StringComparison.Ordinal))
            {
                string tar = Path.Combine(root, member);
                using (var file = File.Create(tar))
                {
                    file.Write(deb, at + 60, size);
                }

                // GNU tar recognises xz, zstd or gzip by the file's first bytes.
                Run("tar", "-xf \"" + tar + "\" -C \"" + root + "\"", root);
                File.Delete(tar);
                return;
            }

            at += 60 + size + (size % 2);
        }

        throw new InvalidDataException("a .deb without data.tar");
    }

    private void Run(string program, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardError = true };
        using (var process = Process.Start(start))
        {
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(program + " failed while making the sysroot: " + errors.Trim());
            }
        }
    }

    private static byte[] Sha256(byte[] bytes)
    {
        using (var sha = SHA256.Create())
        {
            return sha.ComputeHash(bytes);
        }
    }

    private static string Hex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
}
