using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Rollout;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy;

/// <summary>
/// <c>apphost status --host HOST … --name NAME</c>: per host, the release it serves and the one
/// before (version, sha256, when, by whom), the service's state and the certificate's expiry.
/// Reads only; takes no lock.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var hosts = new DeployOptions();
        var command = new Command("status", "Show, per host, the release it serves and the one before, the service's state and the certificate's expiry.");
        hosts.AddTo(command, rolling: false);
        command.SetAction(async (parsed, cancel) =>
        {
            string name = RollbackCommand.RequireName(parsed, hosts);
            await using var fleet = await Fleet.ConnectAsync(ServiceOptions.CheckedValues(() => hosts.ReadHosts(parsed)), ServiceOptions.CheckedValues(() => hosts.ReadSsh(parsed)),
                new HostLayout(name), cancel);
            fleet.ThrowIfRefused();
            foreach (var host in fleet.Hosts)
            {
                Console.Out.WriteLine(Describe(host.Name, host.Facts));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(string host, HostFacts facts)
    {
        if (facts.Current is null)
        {
            return $"{host}\tnot deployed";
        }

        string Release(string? sha)
        {
            if (sha is null)
            {
                return "none";
            }

            var entry = facts.History.LastOrDefault(e => e.Sha256 == sha);
            return entry is null ? sha[..12] : $"{sha[..12]} {(entry.Version.Length > 0 ? entry.Version : facts.VersionOf(sha))} {entry.Action} {entry.Time} by {entry.By}";
        }

        return $"{host}\t{facts.ServiceState}\tcurrent {Release(facts.Current)}\tprevious {Release(facts.Previous)}{FileOnly(facts)}"
            + (facts.CertificateExpiry is { } expiry ? $"\tcertificate until {expiry}" : "");
    }

    // A rollback to a release kept without its units brings back the file alone: worth knowing before one.
    private static string FileOnly(HostFacts facts) =>
        facts.Previous is { } previous && !facts.RecordedUnits.ContainsKey(previous) ? " (no units kept: a rollback restores its file only)" : "";
}
