namespace AppHost.Cli.Commands.Service;

/// <summary>
/// Renders NAME.service: the app as a Type=notify service on the sockets systemd holds, with the
/// sandbox that <c>systemd-analyze security</c> rates at an exposure of 1.1 of 10 (systemd 252).
/// </summary>
internal static class ServiceUnit
{
    // Seconds the server gives in-flight requests after SIGTERM, passed as its --shutdown-timeout.
    private const int DrainSeconds = 30;

    // Seconds systemd then waits for the process to end before SIGKILL: time to finish logging and exit.
    private const int ExitSeconds = 5;

    public static UnitFile Render(ServiceDefinition service)
    {
        string name = service.Name;
        bool dynamicUser = service.User is null;
        var unit = new UnitFileBuilder($"""
            The {name} web server, socket-activated by {name}.socket. Written by `apphost service`.
            Install: sudo cp {name}.service {string.Join(' ', service.SocketUnits.Select(socket => socket + ".socket"))} /etc/systemd/system/ && sudo systemctl daemon-reload
            Check: systemd-analyze security {name}.service
            """);

        unit.Section("Unit");
        unit.Add("Shown by systemctl status and in the journal.", $"Description={name} web server");
        unit.Add("The server serves on the socket systemd holds; stopping the socket stops the server.", $"Requires={name}.socket");
        if (service.HttpPort is not null)
        {
            unit.Add("The HTTP-to-HTTPS redirect; should its port be taken, the server still serves HTTPS.", $"Wants={service.RedirectSocketName}.socket");
        }

        if (service.Metrics is not null)
        {
            unit.Add("Prometheus's /metrics; should its port be taken, the server still serves the app.", $"Wants={service.MetricsSocketName}.socket");
        }

        string sockets = string.Join(' ', service.SocketUnits.Select(socket => socket + ".socket"));

        unit.Add("Start once the sockets listen, so systemd passes them in (LISTEN_FDS, LISTEN_FDNAMES).", $"After={sockets}");

        unit.Section("Service");
        unit.Add("The server sends READY=1 once it serves, so a bad certificate fails the start rather than passing for running.", "Type=notify");
        unit.Add("Only the server process itself may report READY, STOPPING, STATUS and WATCHDOG, not a program it starts.", "NotifyAccess=main");
        unit.Add("The sockets handed to the server, each with its name; said outright rather than left to the units' triggers.", $"Sockets={sockets}");
        AddCommand(unit, service);
        AddAppSettings(unit, service.App);
        if (service.Acme is null)
        {
            AddReload(unit, dynamicUser);
        }

        unit.Add("A crash, a non-zero exit or a missed watchdog restarts the server; systemctl stop does not.", "Restart=on-failure");
        unit.Add("One second between restarts: no busy loop when it fails at once, and the socket queues connections meanwhile.", "RestartSec=1");
        unit.Add("The server beats every 15 s (half of this); 30 s of silence means it hangs (deadlock, starved thread pool),\nso systemd kills it with SIGABRT, leaving a core dump, and restarts it. GC pauses and load spikes stay far below.", "WatchdogSec=30");
        unit.Add($"On stop the server finishes in-flight requests for up to {DrainSeconds} s (--shutdown-timeout); {ExitSeconds} s more to exit, then SIGKILL.", $"TimeoutStopSec={DrainSeconds + ExitSeconds}");
        unit.Add("A descriptor per connection: room for the server's 10,000-connection cap (--max-connections) and its files;\nthe default soft limit of 1,024 would refuse connections long before.", "LimitNOFILE=16384");
        if (dynamicUser)
        {
            unit.Add("A user made for this service while it runs: it owns no file on the system, so a compromised server has none to change.", "DynamicUser=yes");
        }
        else
        {
            unit.Add("The server runs as this user, which must be able to read the certificate files.", $"User={service.User}");
        }

        AddSandbox(unit);
        return unit.Build($"{name}.service");
    }

    private static void AddAppSettings(UnitFileBuilder unit, AppSettings app)
    {
        foreach (var variable in app.Environment)
        {
            unit.Add("A setting of the app, as an environment variable (visible to anyone who can read this file).", $"Environment={AppSettings.ForEnvironment(variable)}");
        }

        if (app.EnvironmentFile is { } environmentFile)
        {
            unit.Add("The app's environment from a root-only file of NAME=VALUE lines: systemd reads it as root at each start,\nso its secrets appear in no unit, command line or output (they are in the process's environment).",
                $"EnvironmentFile={environmentFile}");
        }

        foreach (var (name, path) in app.Secrets)
        {
            unit.Add($"A secret of the app: systemd reads the root-only file and gives the service a copy only it can read,\nat $CREDENTIALS_DIRECTORY/{name}; the value appears in no unit, command line or environment.",
                $"LoadCredential={name}:{path}");
        }
    }

    // With ACME the server renews by itself and has no files to reload, so there is no ExecReload=.
    private static void AddReload(UnitFileBuilder unit, bool dynamicUser) =>
        unit.Add(dynamicUser
                ? "systemctl reload: SIGHUP makes the server load its certificate again, keeping its connections.\nWith LoadCredential= it reloads the copy made at start; after a renewal, restart instead."
                : "systemctl reload: SIGHUP makes the server load its certificate again, keeping its connections\n(it also reloads by itself when the files change).",
            "ExecReload=/bin/kill -HUP $MAINPID");

    private static void AddCommand(UnitFileBuilder unit, ServiceDefinition service)
    {
        string logs = $"--log-format json: one JSON object per line in the journal (journalctl -u {service.Name} -o cat);\n--shutdown-timeout is stated here because TimeoutStopSec below counts on it."
            + (service.ForwardedBy.Count > 0 ? "\n--forwarded-by: the load balancers whose X-Forwarded-For and -Proto name the client and its scheme." : "")
            + (service.ProxyProtocol ? "\n--proxy-protocol: each connection starts with the balancer's PROXY header, which names the client." : "");
        string listening = string.Concat(service.ForwardedBy.Select(network => $"--forwarded-by {network} ")) + (service.ProxyProtocol ? "--proxy-protocol " : "");
        if (service.Metrics is { } metrics && !System.Net.IPAddress.IsLoopback(metrics.Address))
        {
            // The server answers metrics only to this machine unless its --metrics-host is another address, whatever the socket binds.
            logs += $"\n--metrics-host: the metrics socket is on {metrics.Address}, so its peers there are answered.";
            listening += $"--metrics-host {metrics.Address} ";
        }

        string appArguments = string.Concat(service.App.Arguments.Select(word => " " + AppSettings.ForExecStart(word)));
        string tail = $"{listening}--log-format json --shutdown-timeout {DrainSeconds}{appArguments}";
        logs += service.App.Arguments.Count > 0 ? "\nLast, the app's own options." : "";
        if (service.Acme is { } acme)
        {
            string email = acme.Email is null ? "" : $" --acme-email {acme.Email}";
            string directory = acme.Directory is null ? "" : $" --acme-directory {acme.Directory}";
            bool caByCredential = acme.CaFile is not null && service.User is null;
            directory += acme.CaFile is null ? "" : $" --acme-ca-file {(caByCredential ? "${CREDENTIALS_DIRECTORY}/acme-ca" : acme.CaFile)}";
            unit.Add($"The server gets and renews its certificates from the ACME CA itself, keeping them in the state folder below.\n{logs}",
                $"ExecStart={service.Binary}{string.Concat(acme.Domains.Select(d => $" --acme-domain {d}"))}{email}{directory} {tail}");
            if (caByCredential)
            {
                unit.Add("The private CA's roots: systemd reads the file, which may be root-only, and gives the service a copy.",
                    $"LoadCredential=acme-ca:{acme.CaFile}");
            }

            unit.Add($"/var/lib/{service.Name}, the one folder the server may write (ProtectSystem=strict): the ACME account key,\nthe certificates and their keys. systemd passes its path as $STATE_DIRECTORY and keeps it across restarts\n(with DynamicUser=yes in /var/lib/private, owned by the service's user).", $"StateDirectory={service.Name}");
            unit.Add("Only the service's user may enter it: it holds private keys.", "StateDirectoryMode=0700");
            return;
        }

        if (service.Certificate is null)
        {
            unit.Add($"Plain HTTP: no certificate was given (for a server behind a TLS-terminating proxy).\n{logs}", $"ExecStart={service.Binary} {tail}");
            return;
        }

        string KeyArgument(string path) => service.Key is null ? "" : $" --key {path}";
        if (service.User is not null)
        {
            unit.Add($"The certificate is read where it is, so the server sees renewals (certbot, cert-manager) and reloads it itself.\n{logs}",
                $"ExecStart={service.Binary} --cert {service.Certificate}{KeyArgument(service.Key ?? "")} {tail}");
            return;
        }

        unit.Add($"$CREDENTIALS_DIRECTORY is the folder of the credentials below: copies only this service can read.\n(Not the %d specifier, which systemd 247 of Debian 11 lacks; the variable works from 247, as LoadCredential= does.)\n{logs}",
            $"ExecStart={service.Binary} --cert ${{CREDENTIALS_DIRECTORY}}/cert{KeyArgument("${CREDENTIALS_DIRECTORY}/key")} {tail}");
        unit.Add($"A dynamic user cannot read a root-only certificate; systemd reads it and gives the service a copy.\nThe copy is made at start: after a renewal, systemctl restart {service.Name}.service (the socket holds new connections meanwhile).",
            $"LoadCredential=cert:{service.Certificate}");
        if (service.Key is not null)
        {
            unit.Add("The private key, given the same way.", $"LoadCredential=key:{service.Key}");
        }
    }

    private static void AddSandbox(UnitFileBuilder unit)
    {
        unit.Add("No setuid program or file capability can raise the server's privileges.", "NoNewPrivileges=yes");
        unit.Add("The whole file system is read-only to the server; it writes only to the journal, through stdout.", "ProtectSystem=strict");
        unit.Add("/home, /root and /run/user are invisible.", "ProtectHome=yes");
        unit.Add("A /tmp and /var/tmp of its own, empty at start.", "PrivateTmp=yes");
        unit.Add("No hardware devices: /dev holds only pseudo-devices such as null and urandom.", "PrivateDevices=yes");
        unit.Add("A user namespace: other users appear as nobody, and its root has no power over the host.", "PrivateUsers=yes");
        unit.Add("A mount namespace of its own: nothing mounted in it reaches the host.", "PrivateMounts=yes");
        unit.Add("/proc/sys, /sys and the like are read-only: no changing kernel settings.", "ProtectKernelTunables=yes");
        unit.Add("No loading kernel modules.", "ProtectKernelModules=yes");
        unit.Add("No reading or clearing the kernel log.", "ProtectKernelLogs=yes");
        unit.Add("The cgroup tree is read-only: the server cannot lift its own limits.", "ProtectControlGroups=yes");
        unit.Add("No setting the system or hardware clock, which TLS certificates and logs depend on.", "ProtectClock=yes");
        unit.Add("No changing the host name.", "ProtectHostname=yes");
        unit.Add("Other users' processes are hidden in /proc.", "ProtectProc=invisible");
        unit.Add("Only process entries in /proc, none of the kernel's files.", "ProcSubset=pid");
        unit.Add("Sockets it may open: AF_UNIX for sd_notify, AF_INET and AF_INET6 for connections the app makes\n(a database, an API). The listening sockets come from systemd.", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6");
        unit.Add("No creating namespaces, a common step of kernel exploits.", "RestrictNamespaces=yes");
        unit.Add("No real-time scheduling, with which a runaway thread could freeze the machine.", "RestrictRealtime=yes");
        unit.Add("No creating setuid or setgid files.", "RestrictSUIDSGID=yes");
        unit.Add("No switching the execution domain (personality(2)), an old exploit aid.", "LockPersonality=yes");
        unit.Add("No memory both writable and executable: NativeAOT compiled all code ahead, there is no JIT.\nA single-file (JIT) publish of the app does not start with this line; remove it for one.", "MemoryDenyWriteExecute=yes");
        unit.Add("Only the system calls an ordinary service makes...", "SystemCallFilter=@system-service");
        unit.Add("...and of those, none that needs privileges or changes resource limits, priorities or CPU affinity.", "SystemCallFilter=~@privileged @resources");
        unit.Add("A refused system call fails with EPERM, an error the caller sees, instead of killing the server with SIGSYS.", "SystemCallErrorNumber=EPERM");
        unit.Add("Only this machine's own system call ABI, so 32-bit calls cannot slip past the filter.", "SystemCallArchitectures=native");
        unit.Add("No capabilities at all: systemd binds the ports, even those below 1024, and passes the sockets,\nso not even CAP_NET_BIND_SERVICE is needed.", "CapabilityBoundingSet=");
        unit.Add("And none handed to the process at start.", "AmbientCapabilities=");
        unit.Add("Files it creates are for its own user only.", "UMask=0077");
        unit.Add("No device nodes but the pseudo-devices above.", "DevicePolicy=closed");
        unit.Add("A kernel keyring of its own, shared with no other service.", "KeyringMode=private");
        unit.Add("System V and POSIX IPC objects it leaves behind are removed when it stops.", "RemoveIPC=yes");
        unit.Add("No IP address filter: the server is for the internet; a firewall decides who may connect.", "IPAddressDeny=");
        unit.Add("The host's network, for connections the app makes. (Sockets from systemd work even in a private network,\nso PrivateNetwork=yes suits an app that connects nowhere.)", "PrivateNetwork=no");
    }
}
