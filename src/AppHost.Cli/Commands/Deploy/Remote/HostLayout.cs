namespace AppHost.Cli.Commands.Deploy.Remote;

/// <summary>
/// Where an app lives on a host; the README lists the same paths for operators to audit or undo.
/// Releases are kept by content, so the same file is never sent twice, and the units run the file
/// through <c>current</c>, a symbolic link switched by one rename.
/// </summary>
internal sealed record HostLayout(string Name)
{
    /// <summary>Everything of the app but its units and secrets: /opt/apphost/NAME.</summary>
    public string App => $"/opt/apphost/{Name}";

    /// <summary>One folder per release, named by the file's sha256, holding the file under the app's name.</summary>
    public string Releases => $"{App}/releases";

    /// <summary>The link to the release being served.</summary>
    public string Current => $"{App}/current";

    /// <summary>The file the units run: the current release's.</summary>
    public string CurrentFile => $"{Current}/{Name}";

    /// <summary>One tab-separated line per deploy and rollback: when, what, which release, its version, by whom.</summary>
    public string History => $"{App}/history";

    /// <summary>The units and secrets as they were before the latest deploy, for putting them back when it fails.</summary>
    public string Before => $"{App}/before";

    /// <summary>The certificate, its key and the app's secrets, root-only: /etc/apphost/NAME.</summary>
    public string Secrets => $"/etc/apphost/{Name}";

    /// <summary>Held (flock) by the deploy or rollback in progress; in /run, so a reboot never leaves it behind.</summary>
    public string Lock => $"/run/lock/apphost-{Name}.lock";

    /// <summary>Who holds the lock and since when, for the message that refuses a second deploy.</summary>
    public string LockHolder => $"/run/lock/apphost-{Name}.holder";

    public string ReleaseFile(string sha256) => $"{Releases}/{sha256}/{Name}";

    /// <summary>The unit files a release was last deployed with, root-only beside its file: what a rollback to it installs.</summary>
    public string RecordedUnits(string sha256) => $"{Releases}/{sha256}/units";

    /// <summary>Copies of the secret files a release was last deployed with, root-only: per release, under <see cref="Secrets"/>.</summary>
    public string SecretRecords => $"{Secrets}/releases";

    /// <summary>The secret files of one release's deploy (<see cref="SecretRecords"/>): those a later deploy removed come back from here on rollback.</summary>
    public string RecordedSecrets(string sha256) => $"{SecretRecords}/{sha256}";

    public static string UnitPath(string unitFileName) => $"/etc/systemd/system/{unitFileName}";
}
