using AppHost.Cli.Commands.Deploy.Remote;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>The checks a host must pass before any host is changed; each problem is one line naming the fix.</summary>
internal static class Preflight
{
    // Room beyond the file itself: its temporary copy during upload, and the journal and systemd's own needs.
    private const long SpareBytes = 64L * 1024 * 1024;

    /// <param name="release">The file to deploy, or null for a rollback, whose release is on the host already.</param>
    public static IEnumerable<string> Problems(HostFacts facts, ReleaseFile? release)
    {
        if (!facts.IsRoot && !facts.HasSudo)
        {
            yield return "the login is neither root nor allowed sudo without a password; log in as root (User root in the ssh config) or give the user passwordless sudo";
        }

        if (!facts.HasSystemd)
        {
            yield return "systemd is not running there (no /run/systemd/system); apphost deploy installs systemd units, so the host needs systemd as its init";
        }

        if (RidFor(facts.Machine) is null)
        {
            yield return $"its processor is {facts.Machine}; apphost makes files for x86_64 (linux-x64) and aarch64 (linux-arm64) only";
        }

        if (release is null)
        {
            yield break;
        }

        if (facts.Machine != release.Machine && RidFor(facts.Machine) is { } rid)
        {
            yield return $"its processor is {facts.Machine}, the file is for {release.Machine}; publish for {rid} and give that file too (--binary once per processor), or leave --binary out so deploy publishes for each host's processor";
        }

        if (release.Glibc is { } needed && (facts.Glibc is null || facts.Glibc < needed))
        {
            yield return facts.Glibc is null
                ? $"it has no glibc (a musl system such as Alpine?); the file needs glibc {needed} or newer"
                : $"its glibc is {facts.Glibc}, older than the {needed} the file needs; publish with apphost publish, whose files need only glibc 2.17";
        }

        if (facts.OpenSsl.Count == 0)
        {
            yield return "it has no OpenSSL library (libssl.so.3 or libssl.so.1.1); install it: apt-get install libssl3, or dnf install openssl-libs";
        }

        if (!facts.Releases.Contains(release.Sha256) && facts.FreeBytes < release.Size * 2 + SpareBytes)
        {
            yield return $"{facts.FreeBytes / 1_000_000} MB free under /opt, and the release needs {(release.Size * 2 + SpareBytes) / 1_000_000} MB; free some space";
        }
    }

    /// <summary>The RID apphost publishes for a processor as uname -m names it, or null for one it does not publish for.</summary>
    public static string? RidFor(string machine) => machine switch
    {
        "x86_64" => "linux-x64",
        "aarch64" => "linux-arm64",
        _ => null,
    };
}
