using System.Globalization;
using System.Text;
using AppHost.Cli.Commands.Deploy.Ssh;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy.Remote;

/// <summary>
/// The shell scripts run on a host, for any POSIX sh with coreutils and util-linux (Debian, Ubuntu,
/// RHEL and their kin). Each is sent through ssh's stdin, so nothing in it (a secret above all)
/// appears on a command line. Values are quoted with <see cref="Shell.Quote"/>; names and hashes are
/// checked before they get here.
/// </summary>
internal sealed class HostScripts(HostLayout layout)
{
    public HostLayout Layout => layout;

    /// <summary>The scripts that keep each release's units and secrets, and put them back on rollback.</summary>
    public ReleaseRecords Records { get; } = new(layout);

    /// <summary>Reads the facts of <see cref="HostFacts"/>, as "key=value" lines; changes nothing and needs no root but for the secrets' hashes.</summary>
    public string Probe() => $$"""
        app={{Q(layout.App)}}
        echo "uid=$(id -u)"
        if [ "$(id -u)" = 0 ]; then as_root=; elif sudo -n true 2>/dev/null; then echo sudo=yes; as_root='sudo -n'; else echo sudo=no; as_root=false; fi
        echo "machine=$(uname -m)"
        echo "glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed 's/^glibc //')"
        if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi
        for f in /lib/libssl.so.* /lib64/libssl.so.* /usr/lib/libssl.so.* /usr/lib64/libssl.so.* /lib/*-linux-gnu/libssl.so.* /usr/lib/*-linux-gnu/libssl.so.*; do
          case "${f##*/}" in libssl.so.3|libssl.so.1.1) [ -e "$f" ] && echo "libssl=${f##*/}";; esac
        done
        d="$app"; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
        echo "free_kb=$(df -Pk "$d" | awk 'NR==2 {print $4}')"
        if [ -L "$app/current" ]; then echo "current=$(basename "$(readlink "$app/current")")"; fi
        for r in "$app"/releases/*; do if [ -f "$r/{{layout.Name}}" ]; then echo "release=${r##*/}"; fi; done
        for f in {{string.Join(' ', ServiceDefinition.UnitFileNames(layout.Name).Select(unit => Q(HostLayout.UnitPath(unit))))}}; do
          if [ -f "$f" ]; then echo "file=$(sha256sum < "$f" | cut -d' ' -f1) $f"; fi
        done
        $as_root sh -c 'for f in {{layout.Secrets}}/* {{layout.Secrets}}/secrets/*; do if [ -f "$f" ]; then echo "file=$(sha256sum < "$f" | cut -d" " -f1) $f"; fi; done' 2>/dev/null
        $as_root sh -c '{{Records.ProbeLines()}}' 2>/dev/null
        {{ServingLines(layout)}}
        if [ -f "$app/history" ]; then tail -n 50 "$app/history" | sed 's/^/history=/'; fi
        echo "state=$(systemctl is-active {{layout.Name}}.service 2>/dev/null)"
        if command -v openssl >/dev/null; then echo "cert_expiry=$($as_root openssl x509 -enddate -noout -in {{layout.Secrets}}/cert 2>/dev/null | sed 's/^notAfter=//')"; fi
        exit 0
        """;

    /// <summary>
    /// Prints how the installed units serve, as "key=value" lines of <see cref="HostFacts"/>: the main socket's
    /// port and name (https or http), and the service's command line; what a health check needs.
    /// </summary>
    public static string ServingLines(HostLayout layout) => $"""
        if [ -f /etc/systemd/system/{layout.Name}.socket ]; then sed -n 's/^ListenStream=/socket_port=/p; s/^FileDescriptorName=/socket_name=/p' /etc/systemd/system/{layout.Name}.socket; fi
        if [ -f /etc/systemd/system/{layout.Name}.service ]; then sed -n 's/^ExecStart=/exec=/p' /etc/systemd/system/{layout.Name}.service; fi
        """;

    /// <summary>Takes the file on stdin into the releases under a temporary name, checks its sha256 there, then renames it into place.</summary>
    public string Upload(string sha256) => $$"""
        set -eu
        umask 022
        releases={{Q(layout.Releases)}}
        mkdir -p "$releases"
        rm -f "$releases"/.upload.*
        part=$(mktemp "$releases/.upload.XXXXXX")
        cat > "$part"
        got=$(sha256sum < "$part" | cut -d' ' -f1)
        if [ "$got" != {{sha256}} ]; then rm -f "$part"; echo "the file arrived with sha256 $got, not {{sha256}}: the transfer was damaged" >&2; exit 65; fi
        chmod 0755 "$part"
        mkdir -p "$releases/{{sha256}}"
        mv -f "$part" "$releases/{{sha256}}/{{layout.Name}}"
        """;

    /// <summary>
    /// Runs the release, as nobody and with only the app's environment, for its version and to have
    /// its own parser judge the app's options (--check): the file runs on this host, and the options are right, before it takes over.
    /// </summary>
    public string Check(string sha256, IReadOnlyList<string> appArguments, IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        string variables = string.Concat(environment.Select(v => " " + Q($"{v.Key}={v.Value}")));
        string arguments = string.Concat(appArguments.Select(a => " " + Q(a)));
        return $$"""
            run() { setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin{{variables}} {{Q(layout.ReleaseFile(sha256))}} "$@"; }
            version=$(run --version 2>&1) || { printf 'it does not run here: %s\n' "$version" >&2; exit 66; }
            problem=$(run --check{{arguments}} 2>&1) || { printf '%s\n' "$problem" >&2; exit 67; }
            echo "version=$version"
            """;
    }

    /// <summary>
    /// Writes the units and secret files that differ from what is there (keeping the old ones to put back),
    /// removes those no longer wanted, reloads systemd only when a unit changed, and enables and starts the sockets.
    /// Prints "changed=yes" when anything changed, so the service must restart to see it.
    /// </summary>
    /// <param name="units">Unit file name and text.</param>
    /// <param name="secrets">Path under <see cref="HostLayout.Secrets"/> and bytes.</param>
    /// <param name="sockets">The socket units to enable.</param>
    public string Install(IReadOnlyList<KeyValuePair<string, string>> units, IReadOnlyList<KeyValuePair<string, byte[]>> secrets, IReadOnlyList<string> sockets)
    {
        var script = new StringBuilder(InstallSteps.Prelude(layout));
        foreach (var (unit, text) in units)
        {
            AppendFile(script, $"/etc/systemd/system/{unit}.apphost-new", Encoding.UTF8.GetBytes(text), umask: "022");
            script.Append(CultureInfo.InvariantCulture, $"place_unit {unit}\n");
        }

        foreach (string unit in ServiceDefinition.UnitFileNames(layout.Name).Except(units.Select(u => u.Key)))
        {
            script.Append(CultureInfo.InvariantCulture, $"retire_unit {unit}\n");
        }

        foreach (var (path, bytes) in secrets)
        {
            AppendFile(script, $"{layout.Secrets}/{path}.apphost-new", bytes, umask: "077");
            script.Append(CultureInfo.InvariantCulture, $"place_secret {Q(path)}\n");
        }

        // Secret files of an earlier deploy that this one no longer gives.
        string wanted = string.Join(' ', secrets.Select(s => Q(s.Key)));
        script.Append(CultureInfo.InvariantCulture, $$"""
            for f in "$secrets"/* "$secrets"/secrets/*; do
              [ -f "$f" ] || continue
              path=${f#"$secrets"/}
              keep=no; for w in {{wanted}}; do [ "$w" = "$path" ] && keep=yes; done
              [ $keep = yes ] || retire_secret "$path"
            done

            """);
        script.Append(InstallSteps.Finish(string.Join(' ', sockets)));
        return script.ToString();
    }

    /// <summary>Points <c>current</c> at a release with one rename, and records it in the history.</summary>
    /// <param name="action">deploy, rollback or restore.</param>
    public string Switch(string sha256, string action, string version, string by) => $"set -eu\napp={Q(layout.App)}\n{SwitchLines(sha256, action, version, by)}";

    // The switch itself, for a script that has set $app.
    private static string SwitchLines(string sha256, string action, string version, string by) => $$"""
        ln -sfn releases/{{sha256}} "$app/.current.new"
        mv -Tf "$app/.current.new" "$app/current"
        printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" {{action}} {{sha256}} {{Q(OneField(version))}} {{Q(OneField(by))}} >> "$app/history"
        """;

    /// <summary>Restarts the service; systemd keeps the sockets, so connections wait in their queues and none is refused.
    /// Returns once the new process has said READY=1 (Type=notify), or failed.</summary>
    public string Restart() => $"systemctl restart {layout.Name}.service\n";

    /// <summary>
    /// Undoes <see cref="Install"/> (or a rollback's reinstall): puts back the units and secrets as they were. With a previous
    /// release, serves it again; without (a first deploy), stops and disables everything, as before it.
    /// A failed deploy's release is removed, so no rollback ever picks it.
    /// </summary>
    /// <param name="removeFailed">False for a rollback: the release it went back to had served, and may again once what failed is fixed.</param>
    public string Restore(string? previous, string failed, string by, bool removeFailed = true)
    {
        string serve = previous is null
            ? $"""
              systemctl disable --now --quiet {string.Join(' ', ServiceDefinition.UnitFileNames(layout.Name).Skip(1))} 2>/dev/null || true
              systemctl stop {layout.Name}.service || true
              rm -f "$app/current"
              """
            : SwitchLines(previous, "restore", "", by) + $"""

              for s in $restored_sockets; do systemctl enable --quiet "$s"; systemctl restart "$s"; done
              systemctl restart {layout.Name}.service
              """;
        return $$"""
            set -eu
            app={{Q(layout.App)}}
            before={{Q(layout.Before)}}
            secrets={{Q(layout.Secrets)}}
            restored_sockets=
            for f in "$before"/units/*; do
              [ -f "$f" ] || continue
              cp -p "$f" /etc/systemd/system/
              case "$f" in *.socket) restored_sockets="$restored_sockets ${f##*/}";; esac
            done
            if [ -f "$before/added-units" ]; then
              while read -r u; do systemctl disable --now --quiet "$u" 2>/dev/null || true; rm -f "/etc/systemd/system/$u"; done < "$before/added-units"
            fi
            if [ -d "$secrets/.before" ]; then
              (cd "$secrets/.before" && find . -type f ! -name added | while read -r f; do cp -p "$f" "$secrets/$f"; done)
              if [ -f "$secrets/.before/added" ]; then while read -r f; do rm -f "$secrets/$f"; done < "$secrets/.before/added"; fi
            fi
            rm -rf "$before" "$secrets/.before"
            systemctl daemon-reload
            {{serve}}
            {{(failed == previous || !removeFailed ? "" : $"rm -rf {Q($"{layout.Releases}/{failed}")} {Q(layout.RecordedSecrets(failed))}")}}
            """;
    }

    /// <summary>Holds the deploy lock while this tool keeps the script's stdin open; prints "locked", or "held" and who holds it.</summary>
    public string HoldLock(string holder) => $$"""
        mkdir -p /run/lock
        exec 9>>{{Q(layout.Lock)}}
        if ! flock -n 9; then echo "held $(cat {{Q(layout.LockHolder)}} 2>/dev/null)"; exit 0; fi
        printf '%s\n' {{Q(OneField(holder))}} > {{Q(layout.LockHolder)}}
        echo locked
        cat > /dev/null
        """;

    /// <summary>The service's last journal lines, to show with a failure.</summary>
    public string Journal(int lines) => $"journalctl -u {layout.Name}.service -n {lines.ToString(CultureInfo.InvariantCulture)} --no-pager -o cat 2>&1\n";

    /// <summary>Removes all but the current release and the newest <paramref name="keep"/> of the history, with their recorded units and secrets.</summary>
    public string Prune(int keep) => $$"""
        set -eu
        cd {{Q(layout.Releases)}}
        { basename "$(readlink ../current)"; tac ../history 2>/dev/null | cut -f3; } | awk 'NF && !seen[$0]++' | head -n {{keep.ToString(CultureInfo.InvariantCulture)}} > .keep
        for r in *; do [ -d "$r" ] || continue; grep -qx -- "$r" .keep || rm -rf -- "$r"; done
        for r in {{Q(layout.SecretRecords)}}/*; do [ -d "$r" ] || continue; grep -qx -- "${r##*/}" .keep || rm -rf -- "$r"; done
        rm -f .keep
        """;

    private static void AppendFile(StringBuilder script, string path, byte[] bytes, string umask)
    {
        // base64 keeps any bytes intact through the here-document; its lines never equal the end marker.
        script.Append(CultureInfo.InvariantCulture, $"(umask {umask} && base64 -d > {Q(path)}) <<'APPHOST_END'\n");
        script.Append(Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal));
        script.Append("\nAPPHOST_END\n");
    }

    // A history field holds no tab or line break.
    private static string OneField(string text) => new([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);

    private static string Q(string text) => Shell.Quote(text);
}
