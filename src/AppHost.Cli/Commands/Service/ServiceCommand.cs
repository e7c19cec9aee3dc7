using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// <c>apphost service NAME --binary PATH [--port N] [--http-port N] [--cert FILE [--key FILE] | --acme-domain NAME ...] [--metrics-port N [--metrics-host ADDRESS]] [--user USER] [--env NAME=VALUE] [--env-file FILE] [--secret NAME=FILE] [-o DIR] [--force] [-- APP-OPTIONS]</c>:
/// writes the hardened, socket-activated systemd units that run the app, and prints their paths.
/// </summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The units' name, for example shop: shop.service, shop.socket, and shop-http.socket for the redirect." };
        var binary = new Option<string>("--binary")
        {
            Description = "Absolute path of the app's native file on the server, for example /opt/shop/shop.",
            HelpName = "path",
            Required = true,
        };
        var served = new ServiceOptions();
        var user = new Option<string?>("--user")
        {
            Description = "Existing user to run as, reading the certificate in place (renewals reload by themselves). Default: a dynamic user, given the certificate by systemd (LoadCredential=).",
            HelpName = "user",
        };
        var output = CommonOptions.Output("Folder to write the unit files in. Default: the current folder.");
        var force = new Option<bool>("--force") { Description = "Replace existing files." };

        var command = new Command("service", "Write systemd units that run the app: socket-activated, Type=notify with a watchdog, sandboxed to an exposure of 1.5 or less in systemd-analyze security.")
        {
            name, binary, user, output, force,
        };
        served.AddTo(command);
        command.SetAction(parsed =>
        {
            // Paths are where the files are on the server; a secret's and the environment file's too.
            var app = served.ReadAppSettings(parsed, secret => secret.Value, file => file);
            var service = ServiceOptions.CheckedValues(() => ServiceDefinition.Create(parsed.GetValue(name)!, parsed.GetValue(binary)!, parsed.GetValue(served.Port), parsed.GetValue(served.HttpPort),
                parsed.GetValue(served.Cert), parsed.GetValue(served.Key), parsed.GetValue(user),
                AcmeSettings.Create(parsed.GetValue(served.AcmeDomains) ?? [], parsed.GetValue(served.AcmeEmail), parsed.GetValue(served.AcmeDirectory)?.OriginalString, parsed.GetValue(served.AcmeCaFile)),
                parsed.GetValue(served.ForwardedBy), parsed.GetValue(served.ProxyProtocol), app, served.ReadMetrics(parsed)));
            string directory = Path.GetFullPath(parsed.GetValue(output) ?? ".");
            var written = UnitFileWriter.Write(UnitFiles.Render(service), directory, parsed.GetValue(force));

            using var log = CliLog.Create();
            string[] fileNames = [.. written.Select(p => Path.GetFileName(p))];
            log.Information("Wrote {Files}: {Summary}", string.Join(", ", fileNames), Describe(service));
            string[] sockets = [.. fileNames.Where(f => f.EndsWith(".socket", StringComparison.Ordinal))];
            // With ACME, starting the service at once orders the certificate now rather than on the first visitor's connection.
            log.Information("Next: sudo cp {Files} /etc/systemd/system/ && sudo systemctl daemon-reload && sudo systemctl enable --now {Sockets}{Start:l}",
                string.Join(' ', written.Select(ForShell)), string.Join(' ', sockets), service.Acme is null ? "" : $" && sudo systemctl start {service.Name}.service");
            foreach (string path in written)
            {
                Console.Out.WriteLine(path);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(ServiceDefinition service)
    {
        string serves = service.Acme is { } acme ? $"HTTPS on port {service.Port} with certificates from an ACME CA for {string.Join(", ", acme.Domains)}"
            : service.Certificate is null ? $"plain HTTP on port {service.Port}" : $"HTTPS on port {service.Port}";
        string redirect = service.HttpPort is int http ? $", redirect from port {http}" : "";
        string metrics = service.Metrics is { } endpoint ? $", metrics on {endpoint}" : "";
        string runAs = service.User is null ? "a dynamic user" : $"user {service.User}";
        return $"{serves}{redirect}{metrics}, run as {runAs}, started by the first connection";
    }

    // Relative to the current folder when inside it, quoted when the shell would split it.
    private static string ForShell(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        string shown = relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
        return shown.Any(c => !(char.IsAsciiLetterOrDigit(c) || "/._-+@,=:".Contains(c))) ? $"'{shown.Replace("'", "'\\''", StringComparison.Ordinal)}'" : shown;
    }
}
