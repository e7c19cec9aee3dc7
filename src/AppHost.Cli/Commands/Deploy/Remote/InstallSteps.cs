using AppHost.Cli.Commands.Deploy.Ssh;

namespace AppHost.Cli.Commands.Deploy.Remote;

/// <summary>
/// The shell both a deploy's install and a rollback's reinstall are made of: functions that put a unit
/// or secret file in place only when it differs, keeping the old one in <see cref="HostLayout.Before"/>
/// to put back (<see cref="HostScripts.Restore"/>), and the end that reloads systemd and starts the sockets.
/// </summary>
internal static class InstallSteps
{
    /// <summary>
    /// Sets $before and $secrets, empties what an earlier run kept to put back, and defines place_unit,
    /// retire_unit, place_secret and retire_secret. place_* take a file NAME.apphost-new beside the target.
    /// </summary>
    public static string Prelude(HostLayout layout) => $$"""
        set -eu
        umask 022
        before={{Shell.Quote(layout.Before)}}
        secrets={{Shell.Quote(layout.Secrets)}}
        rm -rf "$before" "$secrets/.before"
        mkdir -p "$before/units" /etc/apphost
        (umask 077 && mkdir -p "$secrets/secrets" "$secrets/.before/secrets")
        chmod 0700 "$secrets"
        changed_units=
        changed=no
        place_unit() {
          target=/etc/systemd/system/$1
          if [ -f "$target" ] && cmp -s "$target.apphost-new" "$target"; then rm -f "$target.apphost-new"; return 0; fi
          if [ -f "$target" ]; then cp -p "$target" "$before/units/$1"; else echo "$1" >> "$before/added-units"; fi
          chmod 0644 "$target.apphost-new"
          mv -f "$target.apphost-new" "$target"
          changed_units="$changed_units $1"; changed=yes
        }
        retire_unit() {
          target=/etc/systemd/system/$1
          [ -f "$target" ] || return 0
          systemctl disable --now --quiet "$1" || true
          cp -p "$target" "$before/units/$1"
          rm -f "$target"
          changed_units="$changed_units $1"; changed=yes
        }
        place_secret() {
          target="$secrets/$1"
          if [ -f "$target" ] && cmp -s "$target.apphost-new" "$target"; then rm -f "$target.apphost-new"; return 0; fi
          if [ -f "$target" ]; then cp -p "$target" "$secrets/.before/$1"; else echo "$1" >> "$secrets/.before/added"; fi
          chown root:root "$target.apphost-new"
          chmod 0600 "$target.apphost-new"
          mv -f "$target.apphost-new" "$target"
          changed=yes
        }
        retire_secret() {
          [ -f "$secrets/$1" ] || return 0
          cp -p "$secrets/$1" "$secrets/.before/$1"
          rm -f "$secrets/$1"
          changed=yes
        }

        """;

    /// <summary>
    /// Reloads systemd when a unit changed, enables the sockets and starts them (restarts those whose
    /// unit changed, so a new port is listened on), then prints "changed=yes" or "changed=no".
    /// </summary>
    /// <param name="sockets">The socket units as shell words: names, or a variable's expansion.</param>
    public static string Finish(string sockets) => $$"""
        if [ -n "$changed_units" ]; then systemctl daemon-reload; fi
        systemctl enable --quiet {{sockets}}
        for s in {{sockets}}; do
          case " $changed_units " in *" $s "*) action=restart;; *) action=start;; esac
          if ! systemctl $action "$s" 2>/dev/null; then
            # systemctl itself only points at the journal; the socket's own line says why (a port in use, say).
            echo "$s could not listen: $(journalctl -u "$s" -n 20 -o cat --no-pager | grep -m1 -i 'fail' || echo 'see journalctl -u '"$s")" >&2
            exit 1
          fi
        done
        echo "changed=$changed"

        """;
}
