using System.Globalization;

namespace AppHost.Cli.Commands.Deploy.Remote;

/// <summary>What the probe found on a host: enough to refuse it before any change, and to know what a deploy would change.</summary>
internal sealed record HostFacts
{
    public bool IsRoot { get; init; }

    /// <summary>Whether a non-root login may use sudo without a password.</summary>
    public bool HasSudo { get; init; }

    /// <summary>uname -m: x86_64, aarch64, ...</summary>
    public string Machine { get; init; } = "";

    public Version? Glibc { get; init; }

    public bool HasSystemd { get; init; }

    /// <summary>The OpenSSL libraries found (libssl.so.3, libssl.so.1.1); .NET loads either.</summary>
    public IReadOnlyList<string> OpenSsl { get; init; } = [];

    /// <summary>Free space where the releases go, in bytes.</summary>
    public long FreeBytes { get; init; }

    /// <summary>The sha256 of the release being served, or null before the first deploy.</summary>
    public string? Current { get; init; }

    /// <summary>The releases kept on the host, by sha256.</summary>
    public IReadOnlyList<string> Releases { get; init; } = [];

    /// <summary>The sha256 of each of the app's unit files and secret files present, by path.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>Per release, the sha256 of each unit file it was last deployed with (<see cref="ReleaseRecords"/>), by unit file name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> RecordedUnits { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Per release, the paths under /etc/apphost/NAME of the secret files it was last deployed with.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RecordedSecrets { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The history's last lines, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    /// <summary>systemctl is-active for the service: active, inactive, failed, ...</summary>
    public string ServiceState { get; init; } = "";

    /// <summary>The certificate's end of validity, where the host has openssl to read it.</summary>
    public string? CertificateExpiry { get; init; }

    /// <summary>The port of the app's main socket unit (ListenStream=), or null before the first deploy.</summary>
    public int? Port { get; init; }

    /// <summary>Whether that socket is served with TLS (FileDescriptorName=https).</summary>
    public bool Https { get; init; }

    /// <summary>The service's ExecStart= words, for the name its requests must carry.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The version the history gives a release, or "" when it has none.</summary>
    public string VersionOf(string sha256) => History.LastOrDefault(entry => entry.Sha256 == sha256 && entry.Version.Length > 0)?.Version ?? "";

    /// <summary>The release served before <see cref="Current"/>: the newest other release of the history that is still kept.</summary>
    public string? Previous => History.Reverse().Select(entry => entry.Sha256).FirstOrDefault(sha => sha != Current && Releases.Contains(sha));

    /// <summary>Reads the probe's "key=value" lines.</summary>
    public static HostFacts Parse(string output)
    {
        var openSsl = new List<string>();
        var releases = new List<string>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var history = new List<HistoryEntry>();
        var recordedUnits = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var recordedSecrets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var facts = new HostFacts();
        foreach (string line in output.Split('\n'))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            string value = line[(equals + 1)..].Trim();
            switch (line[..equals])
            {
                case "uid": facts = facts with { IsRoot = value == "0" }; break;
                case "sudo": facts = facts with { HasSudo = value == "yes" }; break;
                case "machine": facts = facts with { Machine = value }; break;
                case "glibc": facts = facts with { Glibc = Version.TryParse(value, out var glibc) ? glibc : null }; break;
                case "systemd": facts = facts with { HasSystemd = value == "yes" }; break;
                case "libssl": openSsl.Add(value); break;
                case "free_kb": facts = facts with { FreeBytes = long.TryParse(value, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : 0 }; break;
                case "current": facts = facts with { Current = value.Length == 0 ? null : value }; break;
                case "release": releases.Add(value); break;
                case "file" when value.Split(' ', 2) is [var sha, var path]: files[path] = sha; break;
                case "recorded_unit" when value.Split(' ') is [var release, var unit, var sha]: Of(recordedUnits, release)[unit] = sha; break;
                case "recorded_secret" when value.Split(' ', 2) is [var release, var path]: Of(recordedSecrets, release).Add(path); break;
                case "history" when HistoryEntry.TryParse(value) is { } entry: history.Add(entry); break;
                case "socket_port": facts = facts with { Port = int.TryParse(value, CultureInfo.InvariantCulture, out int port) ? port : null }; break;
                case "socket_name": facts = facts with { Https = value == "https" }; break;
                case "exec": facts = facts with { Command = value.Split(' ', StringSplitOptions.RemoveEmptyEntries) }; break;
                case "state": facts = facts with { ServiceState = value }; break;
                case "cert_expiry": facts = facts with { CertificateExpiry = value.Length == 0 ? null : value }; break;
                default: break;
            }
        }

        return facts with
        {
            OpenSsl = [.. openSsl.Distinct()],
            Releases = releases,
            Files = files,
            History = history,
            RecordedUnits = recordedUnits.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, string>)r.Value, StringComparer.Ordinal),
            RecordedSecrets = recordedSecrets.ToDictionary(r => r.Key, r => (IReadOnlyList<string>)r.Value, StringComparer.Ordinal),
        };
    }

    private static T Of<T>(Dictionary<string, T> byRelease, string release)
        where T : new() => byRelease.TryGetValue(release, out var value) ? value : byRelease[release] = new T();
}
