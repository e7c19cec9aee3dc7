using System.Globalization;
using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Deploy;

/// <summary>
/// <c>apphost deploy</c>, <c>rollback</c> and <c>status</c> against real hosts: Debian containers with
/// systemd and sshd on links of their own (<see cref="SshFleet"/>), reached with this machine's ssh.
/// Each test deploys an app of its own name and ports, so the tests share the hosts without meeting.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed partial class DeployTests(NativeAppFixture native, SshFleet fleet, DeployReleases releases, ITestOutputHelper output)
    : IClassFixture<SshFleet>, IClassFixture<DeployReleases>
{
    private const string Secret = "postgres://shop:s3cret-value@db/shop";

    [SshFact]
    public async Task AFirstDeployServesHttpsAndHttp2AndRedirectsOnEveryHost()
    {
        using var folder = new TempDirectory();
        string secret = Path.Combine(folder.Path, "database-url");
        await File.WriteAllTextAsync(secret, Secret);
        string environment = Path.Combine(folder.Path, "environment");
        await File.WriteAllTextAsync(environment, $"# read by systemd as root\nSHOP_DATABASE_URL={Secret}\n");
        // The second host through a user with sudo, as many servers are run.
        string[] hosts = ["--host", fleet.Bookworm[0].Alias, "--host", $"{SshHost.SudoUser}@{fleet.Bookworm[1].Alias}"];

        var run = await DeployAsync(new("first", 443, 80), hosts, ["--secret", $"database-url={secret}", "--env-file", environment, "--", "--greeting", "Howdy"]);

        run.AssertSucceeded();
        foreach (var host in fleet.Bookworm)
        {
            Assert.Equal(("2", "200"), await CurlAsync("--http2", $"https://{host.Address}/api/greeting?name=you", "Howdy, you!"));
            Assert.Equal(("1.1", "200"), await CurlAsync("--http1.1", $"https://{host.Address}/api/greeting?name=you", "Howdy, you!"));
            Assert.Equal(("1.1", "308"), await CurlAsync("--http1.1", $"http://{host.Address}/api/greeting?name=you", ""));
            // The key and the secret are root's alone on the host, and in no unit, process list or output.
            Assert.Equal("600 root root\n600 root root\n600 root root\n",
                (await host.RunAsync(["stat", "-c", "%a %U %G", "/etc/apphost/first/key", "/etc/apphost/first/secrets/database-url", "/etc/apphost/first/environment"])).Output);
            Assert.Equal(Secret, (await host.RunAsync(["cat", "/run/credentials/first.service/database-url"])).Output);
            // The environment file's variable is in the server's environment, set by systemd.
            Assert.Contains($"SHOP_DATABASE_URL={Secret}\n",
                (await host.RunAsync(["sh", "-c", "tr '\\0' '\\n' < /proc/$(systemctl show -P MainPID first.service)/environ"])).Output);
            string visible = (await host.RunAsync(["sh", "-c", "cat /etc/systemd/system/first.* /opt/apphost/first/history; ps -eo args"])).Output;
            Assert.DoesNotContain("s3cret", visible);
            Assert.DoesNotContain("PRIVATE KEY", visible);
        }

        Assert.All(fleet.Bookworm, host => Assert.Contains($"{host.Alias}\tdeployed\t", run.Output));
        Assert.DoesNotContain("s3cret", run.Output + run.Errors);
    }

    [SshFact]
    public async Task DeployingTheSameReleaseAgainSendsNothingAndRestartsNothingAsTheDryRunSaid()
    {
        var app = new App("again", 8444, 8081);
        (await DeployAsync(app)).AssertSucceeded();
        string pids = await MainPidsAsync(app);

        var dryRun = await DeployAsync(app, extra: ["--dry-run"]);
        var run = await DeployAsync(app);

        run.AssertSucceeded();
        Assert.All(fleet.Bookworm, host => Assert.Contains($"{host.Alias}\tunchanged\t", run.Output));
        Assert.Contains("is there already, not sent", run.Errors);
        Assert.DoesNotContain("uploaded", run.Errors);
        Assert.Equal(pids, await MainPidsAsync(app));
        dryRun.AssertSucceeded();
        Assert.All(fleet.Bookworm, host => Assert.Contains($"{host.Alias}: release {DeployReleases.Sha256Of(native.NativeFile)[..12]} is there already; units unchanged; would not restart", dryRun.Errors));

        // On a terminal (script(1) gives it one) a live view shows the second host waiting while the first is checked.
        var onTerminal = await DeployOnTerminalAsync(app);
        Assert.Equal(0, onTerminal.ExitCode);
        Assert.Contains($"  {fleet.Bookworm[1].Alias}  waiting", onTerminal.Output);
        Assert.Contains($"  {fleet.Bookworm[0].Alias}  checking the release runs here and accepts its options … ", onTerminal.Output);
        Assert.Contains("\e[J", onTerminal.Output);
        Assert.Contains($"{fleet.Bookworm[1].Alias}: unchanged", onTerminal.Output);
    }

    [SshFact]
    public async Task AReleaseThatDoesNotStartIsPutBackAndTheNextHostIsLeftAlone()
    {
        var app = new App("crashing", 8446, 8083);
        (await DeployAsync(app)).AssertSucceeded();

        var run = await DeployAsync(app, binary: await releases.CrashingReleaseAsync());

        Assert.Equal(7, run.ExitCode);
        Assert.Contains($"error: deploy stopped at {fleet.Bookworm[0].Alias}: the service did not start", run.Errors);
        Assert.Contains("it is back on its previous release, and 1 host(s) after it were left untouched", run.Errors);
        Assert.Contains("fatal: cannot reach the database", run.Errors); // the host's journal
        Assert.Contains($"{fleet.Bookworm[1].Alias}\tuntouched", run.Output);
        await AssertServesAsync(app, native.NativeFile);
    }

    [SshFact]
    public async Task AReleaseWhoseHealthCheckFailsIsPutBack()
    {
        var app = new App("unhealthy", 8447, 8084);
        (await DeployAsync(app)).AssertSucceeded();

        // The same release with a setting that makes the app refuse every other host name, /healthz's too.
        var run = await DeployAsync(app, extra: ["--env", "APPHOSTSAMPLE_HOST_NAME=elsewhere.example", "--health-timeout", "3"]);

        Assert.Equal(7, run.ExitCode);
        Assert.Contains($"error: deploy stopped at {fleet.Bookworm[0].Alias}: /healthz answered HTTP/1.1 400 Bad Request for 3 s", run.Errors);
        Assert.Contains($"{fleet.Bookworm[1].Alias}\tuntouched", run.Output);
        await AssertServesAsync(app, native.NativeFile);
        Assert.Equal(1, (await fleet.Bookworm[0].RunAsync(["grep", "-q", "elsewhere", "/etc/systemd/system/unhealthy.service"], check: false)).ExitCode);
    }

    [SshFact]
    public async Task AReleaseWhoseHealthzAnswers503IsPutBack()
    {
        // Plain HTTP, so the stand-in release needs no TLS: its answer is all that is judged.
        var app = new App("answers503", 8450, 0);
        (await DeployAsync(app, https: false)).AssertSucceeded();

        var run = await DeployAsync(app, binary: await releases.UnhealthyReleaseAsync(), extra: ["--health-timeout", "3"], https: false);

        Assert.Equal(7, run.ExitCode);
        Assert.Contains($"error: deploy stopped at {fleet.Bookworm[0].Alias}: /healthz answered HTTP/1.1 503 Service Unavailable for 3 s", run.Errors);
        Assert.Contains($"{fleet.Bookworm[1].Alias}\tuntouched", run.Output);
        var status = (await ToolAsync(["status", "--name", app.Name, .. HostOptions()])).AssertSucceeded();
        foreach (var host in fleet.Bookworm)
        {
            Assert.Contains($"{host.Alias}\tactive\tcurrent {DeployReleases.Sha256Of(native.NativeFile)[..12]}", status.Output);
            Assert.Equal(("1.1", "200"), await CurlAsync("--http1.1", $"http://{host.Address}:{app.Port}/api/greeting?name=you", "Hello, you!"));
        }
    }

    [SshFact]
    public async Task AnAppOptionTheAppRefusesStopsTheDeployBeforeTheServiceIsTouched()
    {
        var app = new App("badoption", 8449, 8086);
        (await DeployAsync(app)).AssertSucceeded();

        var run = await DeployAsync(app, options: ["--", "--greeting", "much too long a greeting for the app"]);

        Assert.Equal(7, run.ExitCode);
        Assert.Contains($"error: deploy stopped at {fleet.Bookworm[0].Alias}: the release's check failed: error: --greeting 'much too long a greeting for the app' is not valid", run.Errors);
        Assert.Contains("nothing was changed there", run.Errors);
        Assert.Contains($"{fleet.Bookworm[0].Alias}\trejected", run.Output);
        await AssertServesAsync(app, native.NativeFile);

        // The metrics socket would be handed to a build that has no metrics: found by the same check, before anything changes.
        var metrics = await DeployAsync(app, options: ["--metrics-port", "9109"]);

        Assert.Equal(7, metrics.ExitCode);
        Assert.Contains("the release's check failed: error: --metrics-port: this build of the app has no metrics", metrics.Errors);
        await AssertServesAsync(app, native.NativeFile);
    }

    [SshFact]
    public async Task HostsThatCannotTakeTheReleaseAreRefusedBeforeAnyHostChanges()
    {
        var app = new App("refused", 8448, 8085);
        var bookworm = fleet.Bookworm[0];
        using var folder = new TempDirectory();
        string unknownKeys = Path.Combine(folder.Path, "known_hosts");
        await File.WriteAllTextAsync(unknownKeys, "");
        // A port of this machine's own end of the link, where nothing listens.
        string unreachable = Path.Combine(folder.Path, "config");
        await File.WriteAllTextAsync(unreachable, $"Host nowhere\n    HostName {bookworm.LocalAddress}\n    Port 1\n");
        // Another deploy's lock, held as long as the unit runs.
        await bookworm.RunAsync(["sh", "-c", "echo 'alice@laptop since 2026-12-06T06:00:00Z' > /run/lock/apphost-refused.holder && "
            + "systemd-run --unit=other-deploy flock /run/lock/apphost-refused.lock sleep 300"]);
        try
        {
            (await DeployAsync(app, binary: await ArmFileAsync(folder.Path), hosts: ["--host", fleet.Bookworm[1].Alias]))
                .AssertOneLineError(6, $"{fleet.Bookworm[1].Alias}: its processor is x86_64, the file is for aarch64");
            (await DeployAsync(app, binary: "/bin/true", hosts: ["--host", fleet.Bullseye.Alias]))
                .AssertOneLineError(6, $"{fleet.Bullseye.Alias}: its glibc is 2.31, older than the");
            (await ToolAsync(["deploy", "--binary", native.NativeFile, "--ssh-config", fleet.ConfigTrusting(unknownKeys), "--host", fleet.Bookworm[1].Alias]))
                .AssertOneLineError(6, "its host key is not in known_hosts", "--accept-new-host-key");
            (await ToolAsync(["deploy", "--binary", native.NativeFile, "--ssh-config", unreachable, "--host", "nowhere"]))
                .AssertOneLineError(6, "nowhere: unreachable", "Connection refused");
            (await DeployAsync(app, hosts: ["--host", bookworm.Alias]))
                .AssertOneLineError(6, $"{bookworm.Alias}: another deploy or rollback is running there (alice@laptop since 2026-12-06T06:00:00Z)");
        }
        finally
        {
            await bookworm.RunAsync(["systemctl", "stop", "other-deploy"]);
        }

        foreach (var host in fleet.Hosts)
        {
            Assert.Equal(1, (await host.RunAsync(["test", "-e", "/opt/apphost/refused"], check: false)).ExitCode);
        }
    }

    [SshFact]
    public async Task AConnectionTheHostClosesBeforeTheLoginIsTriedAgain()
    {
        var bookworm = fleet.Bookworm[0];
        using var folder = new TempDirectory();
        string config = Path.Combine(folder.Path, "config");
        string[] deploy = ["deploy", "--dry-run", "--binary", native.NativeFile, "--name", "turned-away", "--ssh-config", config, "--host", "doorman"];

        // One connection closed, as sshd's MaxStartups closes some: the second gets in.
        await using (var relay = new TurnAwayRelay(new(bookworm.Address, 22), turnAway: 1))
        {
            await WriteDoormanConfigAsync(config, relay.Port, bookworm);
            var run = (await ToolAsync(deploy)).AssertSucceeded();
            Assert.Contains("doorman: connected and probed", run.Errors);
            Assert.Contains("2 connections: the host closed 1 before the login", run.Errors);
            Assert.Equal(2, relay.Accepted);
        }

        // Every connection closed: three tries, then one line that says where to look.
        await using (var relay = new TurnAwayRelay(new(bookworm.Address, 22), turnAway: int.MaxValue))
        {
            await WriteDoormanConfigAsync(config, relay.Port, bookworm);
            (await ToolAsync(deploy)).AssertOneLineError(6, "doorman: the host closed the ssh connection before the login, on each of 3 tries", "journalctl -u ssh");
            Assert.Equal(3, relay.Accepted);
        }
    }

    // The host through a relay on this machine's loopback, its key still checked under its own address.
    private async Task WriteDoormanConfigAsync(string path, int port, SshHost host) =>
        await File.WriteAllTextAsync(path, $"""
            Host doorman
                HostName 127.0.0.1
                Port {port}
                HostKeyAlias {host.Address}
                User root
                IdentityFile "{fleet.IdentityFile}"
                IdentitiesOnly yes
                UserKnownHostsFile "{fleet.KnownHostsFile}"
                GlobalKnownHostsFile /dev/null
                StrictHostKeyChecking yes
                BatchMode yes

            """);

    /// <summary>An app of one test: its name on the hosts, its HTTPS port and its redirect port.</summary>
    private sealed record App(string Name, int Port, int HttpPort);

    private async Task AssertServesAsync(App app, string release, string greeting = "Hello")
    {
        var status = (await ToolAsync(["status", "--name", app.Name, .. HostOptions()])).AssertSucceeded();
        foreach (var host in fleet.Bookworm)
        {
            Assert.Contains($"{host.Alias}\tactive\tcurrent {DeployReleases.Sha256Of(release)[..12]}", status.Output);
            Assert.Equal(("2", "200"), await CurlAsync("--http2", $"https://{host.Address}:{app.Port}/api/greeting?name=you", $"{greeting}, you!"));
        }
    }

    private async Task AssertNothingLostAsync(App app, Func<Task<CommandRun>> change)
    {
        var loads = fleet.Bookworm.Select(host => StrictLoad.Start(app.Port, http2: true, address: host.Address)).ToList();
        try
        {
            (await change()).AssertSucceeded();
            Assert.All(loads, load => Assert.True(load.AllRunning, "the load stopped before the change ended"));
            foreach (var load in loads)
            {
                StrictLoad.AssertNothingLost(await load.StopAsync(), output);
            }
        }
        finally
        {
            foreach (var load in loads)
            {
                await load.DisposeAsync();
            }
        }
    }

    private Task<CommandRun> DeployAsync(App app, string[]? hosts = null, string[]? options = null, string? binary = null, string[]? extra = null, bool https = true) =>
        ToolAsync(DeployArguments(app, hosts, options, binary, extra, https));

    private string[] DeployArguments(App app, string[]? hosts = null, string[]? options = null, string? binary = null, string[]? extra = null, bool https = true) =>
        ["deploy", "--binary", binary ?? native.NativeFile, "--name", app.Name, "--port", app.Port.ToString(CultureInfo.InvariantCulture),
            .. https ? ["--http-port", app.HttpPort.ToString(CultureInfo.InvariantCulture), "--cert", native.Certificates.CertificatePem, "--key", native.Certificates.KeyPem] : Array.Empty<string>(),
            .. extra ?? [], "--ssh-config", fleet.ConfigFile, .. hosts ?? HostOptions()[2..], .. options ?? []];

    /// <summary>The same deploy with stdout and stderr on a terminal, as a person at one runs it.</summary>
    private async Task<CommandRun> DeployOnTerminalAsync(App app)
    {
        string[] command = [CommandRun.DotnetHost(), "exec", AppHostTool.Path, .. DeployArguments(app)];
        string line = "TERM=xterm " + string.Join(' ', command.Select(word => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        // -e: script exits with the command's status; -f: each write is flushed as the terminal shows it.
        var run = await CommandRun.RunAsync(["script", "--quiet", "--flush", "--return", "--command", line, "/dev/null"]);
        output.WriteLine($"$ {line}\nexit {run.ExitCode}\n{run.Output}{run.Errors}");
        return run;
    }

    // Both Debian 12 hosts, in order, with the fleet's ssh config.
    private string[] HostOptions() => ["--ssh-config", fleet.ConfigFile, .. fleet.Bookworm.SelectMany(h => new[] { "--host", h.Alias })];

    private async Task<CommandRun> ToolAsync(string[] args)
    {
        var run = await AppHostTool.RunAsync(AppContext.BaseDirectory, args);
        output.WriteLine($"$ apphost {string.Join(' ', args)}\nexit {run.ExitCode}\n{run.Output}{run.Errors}");
        if (run.ExitCode != 0)
        {
            // The hosts' side of a failure, which goes with the fixture: once, a first login was closed by
            // sshd ("Connection closed by ... port 22") in a way no rerun has shown again.
            foreach (var host in fleet.Hosts)
            {
                var journal = await host.RunAsync(["journalctl", "--no-pager", "--lines", "40", "--unit", "ssh", "--unit", "systemd-logind", "--unit", "user@*"], check: false);
                output.WriteLine($"journal of {host.Alias}:\n{journal.Output}{journal.Errors}");
            }
        }

        return run;
    }

    private async Task<string> MainPidsAsync(App app) =>
        string.Join(',', await Task.WhenAll(fleet.Bookworm.Select(async h => (await h.RunAsync(["systemctl", "show", "-P", "MainPID", $"{app.Name}.service"])).Output.Trim())));

    // An ELF file marked for arm64 (this machine's /bin/true with its e_machine changed): refused before it could ever run.
    private static async Task<string> ArmFileAsync(string folder)
    {
        string path = Path.Combine(folder, "apphostsample");
        byte[] elf = await File.ReadAllBytesAsync("/bin/true");
        elf[18] = 183; // EM_AARCH64, little-endian
        elf[19] = 0;
        await File.WriteAllBytesAsync(path, elf);
        return path;
    }

    // What curl got: the HTTP version and the status, after checking the body holds what it should.
    // -k: the test certificate is for localhost, not for the hosts' addresses.
    private static async Task<(string Version, string Status)> CurlAsync(string version, string url, string body)
    {
        var run = (await CommandRun.RunAsync(["curl", "-sk", version, "--max-time", "10", "-w", "\n%{http_version} %{http_code}", url])).AssertSucceeded();
        string[] lines = run.Output.Split('\n');
        Assert.Contains(body, string.Join('\n', lines[..^1]));
        string[] last = lines[^1].Split(' ');
        return (last[0], last[1]);
    }
}
