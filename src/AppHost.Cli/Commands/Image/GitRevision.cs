using System.Diagnostics;

namespace AppHost.Cli.Commands.Image;

/// <summary>The commit a folder's files are checked out at, for the image's revision label.</summary>
internal static class GitRevision
{
    /// <returns>The full hash of HEAD, or null when the folder is not in a git repository or git is not installed.</returns>
    public static async Task<string?> ReadAsync(string folder, CancellationToken cancel)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", folder, "rev-parse", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = git.StandardOutput.ReadToEndAsync(cancel);
            _ = git.StandardError.ReadToEndAsync(cancel);
            await git.WaitForExitAsync(cancel);
            string hash = (await output).Trim();
            return git.ExitCode == 0 && hash.Length > 0 ? hash : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
