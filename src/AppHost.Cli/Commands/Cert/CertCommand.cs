using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Cert;

/// <summary>
/// <c>apphost cert [--dns NAME ...] [--ip ADDR ...] [-o FILE] [--days N] [--pem] [--force]</c>:
/// writes a self-signed certificate for trying HTTPS locally and prints its SHA-256 fingerprint.
/// </summary>
internal static partial class CertCommand
{
    // 825 days is the longest validity any mainstream client still accepts for a TLS certificate.
    private const int MaxDays = 825;

    public static Command Create()
    {
        var dns = new Option<string[]>("--dns") { Description = "A host name the certificate is for (repeatable). Default: localhost.", HelpName = "name" };
        var ip = new Option<string[]>("--ip") { Description = "An IP address the certificate is for (repeatable). Default: 127.0.0.1 and ::1.", HelpName = "address" };
        var output = CommonOptions.Output("File to write. Default: dev.pfx, or dev.pem (with its key in dev.key) with --pem.");
        var days = new Option<int>("--days") { Description = $"Days the certificate is valid, 1 to {MaxDays}.", DefaultValueFactory = _ => 30, HelpName = "days" };
        var pem = new Option<bool>("--pem") { Description = "Write a PEM certificate and a PEM key (FILE and FILE with .key) instead of a .pfx." };
        var force = new Option<bool>("--force") { Description = "Replace existing files." };
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxDays)
            {
                result.AddError($"--days '{result.GetValueOrDefault<int>()}' is not valid: expected 1 to {MaxDays}");
            }
        });

        var command = new Command("cert", "Write a self-signed certificate for trying HTTPS locally; prints its SHA-256 fingerprint. Touches no certificate store.")
        {
            dns, ip, output, days, pem, force,
        };
        command.SetAction(parsed =>
        {
            string[] dnsNames = [.. (parsed.GetValue(dns) ?? []).Select(CheckDnsName)];
            IPAddress[] addresses = [.. (parsed.GetValue(ip) ?? []).Select(ParseAddress)];
            if (dnsNames.Length == 0 && addresses.Length == 0)
            {
                dnsNames = ["localhost"];
                addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
            }

            bool asPem = parsed.GetValue(pem);
            string path = parsed.GetValue(output) ?? (asPem ? "dev.pem" : "dev.pfx");
            using var certificate = SelfSignedCertificate.Create(dnsNames, addresses, parsed.GetValue(days), DateTimeOffset.UtcNow);
            var written = CertificateWriter.Write(certificate, path, asPem, parsed.GetValue(force));

            using var log = CliLog.Create();
            log.Information("Wrote {Files}: self-signed for {Names}, expires {Expires:yyyy-MM-dd}; for trying HTTPS locally, not for a public server",
                string.Join(" and ", written), string.Join(", ", dnsNames.Concat(addresses.Select(a => a.ToString()))), certificate.NotAfter.ToUniversalTime());
            Console.Out.WriteLine(certificate.GetCertHashString(HashAlgorithmName.SHA256));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string CheckDnsName(string name) => HostName().IsMatch(name)
        ? name
        : throw new CliException(ExitCodes.Usage, $"--dns '{name}' is not a host name; use letters, digits, hyphens and dots, optionally starting with '*.'");

    private static IPAddress ParseAddress(string text) => IPAddress.TryParse(text, out var address)
        ? address
        : throw new CliException(ExitCodes.Usage, $"--ip '{text}' is not an IP address; use for example 127.0.0.1 or ::1");

    // Labels of letters, digits and inner hyphens (RFC 1123), 63 characters at most; a leading '*.' for wildcards.
    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();
}
