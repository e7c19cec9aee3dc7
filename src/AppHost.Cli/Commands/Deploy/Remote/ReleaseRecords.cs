using AppHost.Cli.Commands.Deploy.Ssh;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy.Remote;

/// <summary>
/// Each release keeps the units and secret files it was last deployed with, root-only: the units beside
/// its file (<see cref="HostLayout.RecordedUnits"/>), the secret files under /etc/apphost
/// (<see cref="HostLayout.RecordedSecrets"/>). A rollback installs that set again, so the release comes
/// back with its options, environment and ports, not only its file.
/// </summary>
internal sealed class ReleaseRecords(HostLayout layout)
{
    /// <summary>
    /// Copies the units and secret files installed now into the release's record, replacing an older one:
    /// run once the release serves healthy, so a record is always a set that worked.
    /// </summary>
    public string Record(string sha256) => $$"""
        set -eu
        record={{Q(layout.RecordedUnits(sha256))}}
        kept={{Q(layout.RecordedSecrets(sha256))}}
        secrets={{Q(layout.Secrets)}}
        rm -rf "$record.new" "$kept.new"
        (umask 077 && mkdir -p "$record.new")
        for u in {{Units}}; do
          if [ -f "/etc/systemd/system/$u" ]; then cp -p "/etc/systemd/system/$u" "$record.new/$u"; fi
        done
        rm -rf "$record"
        mv "$record.new" "$record"
        mkdir -p /etc/apphost
        (umask 077 && mkdir -p "$kept.new/secrets")
        for f in "$secrets"/* "$secrets"/secrets/*; do
          if [ -f "$f" ]; then cp -p "$f" "$kept.new/${f#"$secrets"/}"; fi
        done
        rm -rf "$kept"
        mv "$kept.new" "$kept"

        """;

    /// <summary>
    /// Installs the release's recorded units (writing those that differ, removing those it did not have),
    /// and puts back the secret files of its record that are missing now, which a later deploy removed; a
    /// secret file still there keeps its newest content. Keeps what it replaced in <see cref="HostLayout.Before"/>
    /// for <see cref="HostScripts.Restore"/>, starts the sockets, and prints "changed=", one "secret_back=PATH"
    /// per file put back, and the lines of <see cref="HostScripts.ServingLines"/> for the units now installed.
    /// </summary>
    public string Reinstall(string sha256) => InstallSteps.Prelude(layout) + $$"""
        record={{Q(layout.RecordedUnits(sha256))}}
        kept={{Q(layout.RecordedSecrets(sha256))}}
        if [ ! -f "$record/{{layout.Name}}.service" ]; then echo "release {{sha256[..12]}} keeps no units to go back to" >&2; exit 1; fi
        sockets=
        for u in {{Units}}; do
          if [ -f "$record/$u" ]; then
            cp "$record/$u" "/etc/systemd/system/$u.apphost-new"
            place_unit "$u"
            case "$u" in *.socket) sockets="$sockets $u";; esac
          else
            retire_unit "$u"
          fi
        done
        for f in "$kept"/* "$kept"/secrets/*; do
          [ -f "$f" ] || continue
          path=${f#"$kept"/}
          if [ -f "$secrets/$path" ]; then continue; fi
          (umask 077 && cp "$f" "$secrets/$path.apphost-new")
          place_secret "$path"
          echo "secret_back=$path"
        done

        """ + InstallSteps.Finish("$sockets") + HostScripts.ServingLines(layout) + "\n";

    /// <summary>
    /// For the probe, run as root inside single quotes (so it holds none): a "recorded_unit=RELEASE UNIT SHA256"
    /// line per recorded unit file, and a "recorded_secret=RELEASE PATH" line per recorded secret file.
    /// </summary>
    public string ProbeLines() => $$"""
        for d in {{layout.Releases}}/*/units; do
          [ -d "$d" ] || continue
          r=${d%/units}; r=${r##*/}
          for f in "$d"/*; do if [ -f "$f" ]; then echo "recorded_unit=$r ${f##*/} $(sha256sum < "$f" | cut -d" " -f1)"; fi; done
        done
        for d in {{layout.SecretRecords}}/*; do
          [ -d "$d" ] || continue
          for f in "$d"/* "$d"/secrets/*; do if [ -f "$f" ]; then echo "recorded_secret=${d##*/} ${f#"$d"/}"; fi; done
        done
        """;

    private string Units => string.Join(' ', ServiceDefinition.UnitFileNames(layout.Name));

    private static string Q(string text) => Shell.Quote(text);
}
