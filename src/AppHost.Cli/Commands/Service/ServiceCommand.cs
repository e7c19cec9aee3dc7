using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// <c>apphost service NAME --binary PATH [--port N] [--http-port N] [--cert FILE [--key FILE] | --acme-domain NAME ...] [--user USER] [-o DIR] [--force]</c>:
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
        var port = CheckedOption.Create(OptionNames.Port, "Port the server answers on. Default: 443; 80 without --cert or --acme-domain (plain HTTP).",
            ValueSyntax.OptionalPort);
        var httpPort = CheckedOption.Create(OptionNames.HttpPort, "Plain HTTP port redirecting to HTTPS (308) and answering ACME HTTP-01; 0 for none. Default: 80 with --cert or --acme-domain, none without.",
            ValueSyntax.OptionalPort);
        var cert = CheckedOption.Create(OptionNames.Cert, "Absolute path on the server of the HTTPS certificate: a .pfx, or a PEM file with --key.", ValueSyntax.FilePath);
        var key = CheckedOption.Create(OptionNames.Key, "Absolute path on the server of the PEM private key of a PEM certificate.", ValueSyntax.FilePath);
        var user = new Option<string?>("--user")
        {
            Description = "Existing user to run as, reading the certificate in place (renewals reload by themselves). Default: a dynamic user, given the certificate by systemd (LoadCredential=).",
            HelpName = "user",
        };
        var acmeDomains = CheckedOption.CreateList(OptionNames.AcmeDomain,
            "Get the HTTPS certificate for this name from an ACME CA (Let's Encrypt) instead of --cert (repeatable); the units keep its state in StateDirectory=.",
            ValueSyntax.AcmeDomain);
        var forwardedBy = CheckedOption.CreateList(OptionNames.ForwardedBy,
            "A load balancer's address or range (repeatable) whose X-Forwarded-For and -Proto the server believes.", ValueSyntax.Network);
        var proxyProtocol = new Option<bool>(OptionNames.ProxyProtocol) { Description = "Every socket expects the balancer's PROXY protocol header (v1 or v2); needs --forwarded-by." };
        var acmeEmail = CheckedOption.Create(OptionNames.AcmeEmail, "Contact address of the ACME account.", ValueSyntax.Email);
        var acmeDirectory = CheckedOption.Create(OptionNames.AcmeDirectory, "The ACME CA's directory URL. Default: Let's Encrypt.", ValueSyntax.HttpsUrl);
        var acmeCaFile = CheckedOption.Create(OptionNames.AcmeCaFile, "Absolute path on the server of PEM roots to trust for a private CA's HTTPS (step-ca).", ValueSyntax.FilePath);
        var output = CommonOptions.Output("Folder to write the unit files in. Default: the current folder.");
        var force = new Option<bool>("--force") { Description = "Replace existing files." };

        var command = new Command("service", "Write systemd units that run the app: socket-activated, Type=notify with a watchdog, sandboxed to an exposure of 1.5 or less in systemd-analyze security.")
        {
            name, binary, port, httpPort, cert, key, user, acmeDomains, acmeEmail, acmeDirectory, acmeCaFile, forwardedBy, proxyProtocol, output, force,
        };
        command.SetAction(parsed =>
        {
            var service = Define(() => ServiceDefinition.Create(parsed.GetValue(name)!, parsed.GetValue(binary)!, parsed.GetValue(port), parsed.GetValue(httpPort),
                parsed.GetValue(cert), parsed.GetValue(key), parsed.GetValue(user),
                AcmeSettings.Create(parsed.GetValue(acmeDomains) ?? [], parsed.GetValue(acmeEmail), parsed.GetValue(acmeDirectory)?.OriginalString, parsed.GetValue(acmeCaFile)),
                parsed.GetValue(forwardedBy), parsed.GetValue(proxyProtocol)));
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

    private static ServiceDefinition Define(Func<ServiceDefinition> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }
    }

    private static string Describe(ServiceDefinition service)
    {
        string serves = service.Acme is { } acme ? $"HTTPS on port {service.Port} with certificates from an ACME CA for {string.Join(", ", acme.Domains)}"
            : service.Certificate is null ? $"plain HTTP on port {service.Port}" : $"HTTPS on port {service.Port}";
        string redirect = service.HttpPort is int http ? $", redirect from port {http}" : "";
        string runAs = service.User is null ? "a dynamic user" : $"user {service.User}";
        return $"{serves}{redirect}, run as {runAs}, started by the first connection";
    }

    // Relative to the current folder when inside it, quoted when the shell would split it.
    private static string ForShell(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        string shown = relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
        return shown.Any(c => !(char.IsAsciiLetterOrDigit(c) || "/._-+@,=:".Contains(c))) ? $"'{shown.Replace("'", "'\\''", StringComparison.Ordinal)}'" : shown;
    }
}
