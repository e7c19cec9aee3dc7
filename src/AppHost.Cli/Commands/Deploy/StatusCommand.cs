using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Rollout;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Commands.Deploy;

/// <summary>
/// <c>apphost status --host HOST … --name NAME</c>: per host, the release it serves and the one
/// before (version, sha256, when, by whom), the service's state and the expiry of the certificate it serves.
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
            // The certificate each running server presents, asked of all at once: one handshake through each host's ssh
            // connection. Not of a stopped one, which the connection would start through its socket.
            var expiries = await Task.WhenAll(fleet.Hosts.Select(host => host.Facts.ServiceState == "active"
                ? ServedCertificate.NotAfterAsync(host.Ssh, HealthTarget.Of(host.Facts), cancel) : Task.FromResult<DateTime?>(null)));
            foreach (var (host, expiry) in fleet.Hosts.Zip(expiries))
            {
                Console.Out.WriteLine(Describe(host.Name, host.Facts, expiry));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <param name="served">The notAfter of the certificate the server presents, or null when it presents none.</param>
    private static string Describe(string host, HostFacts facts, DateTime? served)
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
            + (served is { } notAfter ? $"\tcertificate until {notAfter:yyyy-MM-ddTHH:mm:ssZ}"
                : facts.CertificateExpiry is { } expiry ? $"\tcertificate until {expiry} (the file's; the server presents none now)" : "");
    }

    // A rollback to a release kept without its units brings back the file alone: worth knowing before one.
    private static string FileOnly(HostFacts facts) =>
        facts.Previous is { } previous && !facts.RecordedUnits.ContainsKey(previous) ? " (no units kept: a rollback restores its file only)" : "";
}
