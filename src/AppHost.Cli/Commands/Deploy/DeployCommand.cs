using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Rollout;
using AppHost.Cli.Commands.Publish;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy;

/// <summary>
/// <c>apphost deploy [PROJECT|DIR] --host HOST … [--binary FILE …] [service options] [-- app options]</c>: the file to
/// every host over ssh, one batch at a time, each restarted through systemd's sockets (no request
/// lost) and health-checked before the next; a host that fails goes back to its previous release.
/// </summary>
internal static class DeployCommand
{
    // A restarted server answers /healthz within a second; the default leaves room for a first ACME order.
    private const int DefaultHealthSeconds = 60;

    public static Command Create()
    {
        var hosts = new DeployOptions();
        var served = new ServiceOptions();
        var project = new Argument<string?>("project")
        {
            Description = "Without --binary: the app's .csproj or solution folder, published for each host's processor. Default: the current folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var binary = new Option<string[]>("--binary")
        {
            Description = "The native file to deploy (apphost publish prints its path); repeated, one per processor of a mixed fleet. Default: publish the project for each host's processor.",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = false,
        };
        var restart = new Option<bool>("--restart") { Description = "Restart every host even when its release, units and secrets are unchanged." };
        var healthSeconds = new Option<int>("--health-timeout")
        {
            Description = $"Seconds a restarted server has to answer /healthz with 200 before its host is put back. Default: {DefaultHealthSeconds}.",
            HelpName = "seconds",
            DefaultValueFactory = _ => DefaultHealthSeconds,
        };
        var command = new Command("deploy", "Deploy the app's native file to servers over ssh: rolling, health-checked, and put back on failure.")
        {
            project, binary, restart, healthSeconds,
        };
        hosts.AddTo(command, rolling: true);
        served.AddTo(command);
        command.SetAction((parsed, cancel) => RunAsync(parsed, hosts, served, ProjectBeforeDoubleDash(parsed, project), parsed.GetValue(binary),
            parsed.GetValue(restart), parsed.GetValue(healthSeconds), cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, DeployOptions options, ServiceOptions served, string? project, string[]? binaries, bool restart, int healthSeconds,
        CancellationToken cancel)
    {
        var given = binaries is { Length: > 0 } ? ReleaseSet.Read(binaries) : null;
        string name = parsed.GetValue(options.Name) ?? (given is null ? (await ProjectLocator.FindAsync(project, cancel)).AssemblyName : Path.GetFileName(binaries![0]));
        var targets = ServiceOptions.CheckedValues(() => options.ReadHosts(parsed));
        var ssh = ServiceOptions.CheckedValues(() => options.ReadSsh(parsed));
        var plan = Plan(parsed, served, name, restart, healthSeconds);
        bool dryRun = parsed.GetValue(options.DryRun);

        await using var fleet = await Fleet.ConnectAsync(targets, ssh, plan.Layout, cancel);
        fleet.Check(host => Preflight.Problems(host.Facts, release: null));
        fleet.ThrowIfRefused();
        // Without --binary, one publish per processor the hosts have, once they are known to be usable.
        var releases = given ?? await PublishForAsync(project, [.. fleet.Hosts.Select(h => h.Facts.Machine).Distinct()], cancel);
        fleet.Check(host => Preflight.Problems(host.Facts, releases.For(host.Facts.Machine)));
        if (!dryRun)
        {
            await fleet.LockAsync(cancel);
        }

        fleet.ThrowIfRefused();
        fleet.LogConnections();
        if (dryRun)
        {
            foreach (var host in fleet.Hosts)
            {
                var release = releases.For(host.Facts.Machine);
                Console.Out.WriteLine(new HostResult(host.Name, "planned", release.Sha256, "", TimeSpan.Zero).SummaryLine);
                RolloutLog.Step(host.Name, DryRun.Describe(host, plan, release));
            }

            return ExitCodes.Success;
        }

        IReadOnlyList<HostResult> results;
        using (RolloutLog.Live(fleet.Hosts.Select(h => h.Name)))
        {
            results = await RollingOrder.RunAsync(fleet.Hosts, parsed.GetValue(options.Parallel),
                host => HostDeploy.RunAsync(host, plan, releases.For(host.Facts.Machine), cancel));
        }

        return RolloutReport.Print(results, "deploy");
    }

    private static async Task<ReleaseSet> PublishForAsync(string? project, IReadOnlyList<string> machines, CancellationToken cancel)
    {
        using var log = CliLog.Create();
        var releases = new List<ReleaseFile>();
        foreach (string machine in machines)
        {
            // Every host's processor is one apphost publishes for: the preflight before this refused any other.
            var target = RuntimeTarget.Parse(Preflight.RidFor(machine)!);
            var report = await AppPublisher.PublishAsync(project, target, chosenHere: false, output: null, "Release", smoke: true, log, cancel);
            releases.Add(ReleaseFile.Read(report.Path));
        }

        return ReleaseSet.Of(releases);
    }

    // The project argument, unless what it took was the first word after -- (no project was given).
    private static string? ProjectBeforeDoubleDash(ParseResult parsed, Argument<string?> project)
    {
        string? value = parsed.GetValue(project);
        var tokens = parsed.Tokens.ToList();
        int doubleDash = tokens.FindIndex(t => t.Type == TokenType.DoubleDash);
        int at = tokens.FindIndex(t => t.Type == TokenType.Argument && t.Value == value);
        return value is null || (doubleDash >= 0 && at > doubleDash) ? null : value;
    }

    private static DeployPlan Plan(ParseResult parsed, ServiceOptions served, string name, bool restart, int healthSeconds)
    {
        var layout = new HostLayout(name);
        var secrets = new List<KeyValuePair<string, byte[]>>();
        string? cert = ReadLocal(parsed.GetValue(served.Cert), "--cert", "cert", secrets, layout);
        string? key = ReadLocal(parsed.GetValue(served.Key), "--key", "key", secrets, layout);
        // Not secret, but kept with the certificate: the unit hands it to the server the same way.
        string? acmeCa = ReadLocal(parsed.GetValue(served.AcmeCaFile), "--acme-ca-file", "acme-ca.pem", secrets, layout,
            bytes => CheckCaFile(parsed.GetValue(served.AcmeCaFile)!, bytes));
        // The secrets' files and the environment file go to the host's root-only folder.
        var app = served.ReadAppSettings(parsed,
            secret => ReadLocal(secret.Value, $"--secret {secret.Key}", $"secrets/{secret.Key}", secrets, layout)!,
            file => ReadLocal(file, "--env-file", "environment", secrets, layout, bytes => AppSettings.CheckEnvironmentFile(file, Encoding.UTF8.GetString(bytes)))!);
        var service = ServiceOptions.CheckedValues(() => ServiceDefinition.Create(name, layout.CurrentFile, parsed.GetValue(served.Port), parsed.GetValue(served.HttpPort), cert, key, null,
            AcmeSettings.Create(parsed.GetValue(served.AcmeDomains) ?? [], parsed.GetValue(served.AcmeEmail), parsed.GetValue(served.AcmeDirectory)?.OriginalString, acmeCa),
            parsed.GetValue(served.ForwardedBy), parsed.GetValue(served.ProxyProtocol), app, served.ReadMetrics(parsed)));
        var units = UnitFiles.Render(service);
        string healthName = HealthTarget.HostNameIn([.. app.Arguments, .. (service.Acme?.Domains ?? []).SelectMany(d => new[] { Contract.OptionNames.AcmeDomain, d })]);
        return new DeployPlan(service, [.. units.Select(u => new KeyValuePair<string, string>(u.FileName, u.Content))], secrets,
            new HealthTarget(service.Port, service.ServesHttps, healthName), restart, Fleet.By)
        {
            HealthTimeout = TimeSpan.FromSeconds(healthSeconds),
        };
    }

    // The server reads every CERTIFICATE block of it and stops if there is none; found here, before any host is touched.
    private static void CheckCaFile(string path, byte[] bytes)
    {
        if (!Encoding.ASCII.GetString(bytes).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.Usage, $"--acme-ca-file '{path}' holds no PEM CERTIFICATE block; give the CA's root certificate in PEM");
        }
    }

    // Reads a file of this machine that goes to the host's root-only folder; returns its path there.
    // check: what the file must pass before it is sent, given its bytes.
    private static string? ReadLocal(string? path, string option, string pathOnHost, List<KeyValuePair<string, byte[]>> secrets, HostLayout layout,
        Action<byte[]>? check = null)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Usage, $"{option} '{path}' does not exist on this machine; deploy copies it to the hosts, so give its path here");
        }

        byte[] bytes = File.ReadAllBytes(path);
        check?.Invoke(bytes);
        secrets.Add(new(pathOnHost, bytes));
        return $"{layout.Secrets}/{pathOnHost}";
    }
}
