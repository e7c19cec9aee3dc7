using System.Net.Security;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Deploy;

// apphost deploy with automatic HTTPS: the host's server gets its certificate from a real ACME CA (Pebble)
// on this machine, reached over the host's link, which validates the host over the same link.
public sealed partial class DeployTests
{
    // A name no DNS knows: Pebble's own DNS (pebble-challtestsrv) answers it with the host's address.
    private const string AcmeDomain = "shop.test";

    [SshFact]
    public async Task AnAcmeDeployServesACertificateTheCaIssuedForItsDomain()
    {
        var host = fleet.Bookworm[0];
        var app = new App("acme", 8451, 8087);
        // Pebble listens on this machine's end of the host's link, and validates the host's ports over it.
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: app.HttpPort, TlsPort: app.Port,
            ListenAddress: host.LocalAddress, NamesResolveTo: host.Address));
        try
        {
            var run = await ToolAsync(["deploy", "--binary", native.NativeFile, "--name", app.Name, "--port", $"{app.Port}", "--http-port", $"{app.HttpPort}",
                "--acme-domain", AcmeDomain, "--acme-email", "ops@shop.test", "--acme-directory", pebble.DirectoryUrl.ToString(), "--acme-ca-file", pebble.CaFile,
                "--ssh-config", fleet.ConfigFile, "--host", host.Alias]);
            Assert.True(run.ExitCode == 0, $"deploy failed: {run.Errors}\n{pebble.Log}");

            // The chain the host serves leads to Pebble's root alone, through the intermediate it sends, and holds the name.
            await using var tls = await TlsConnection.ConnectAsync(app.Port, AcmeDomain, [SslApplicationProtocol.Http2], root: pebble.IssuingRoot, address: host.Address);
            Assert.Equal(SslApplicationProtocol.Http2, tls.Tls.NegotiatedApplicationProtocol);
            Assert.Contains("Pebble Intermediate", tls.Certificate.Issuer, StringComparison.Ordinal);
            Assert.Equal(AcmeDomain, tls.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, forIssuer: false));

            var status = (await ToolAsync(["status", "--name", app.Name, "--ssh-config", fleet.ConfigFile, "--host", host.Alias])).AssertSucceeded();
            Assert.Contains($"\tcertificate until {tls.Certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}", status.Output);
            // The CA's file is root's alone on the host; the server gets it from systemd.
            Assert.Equal("600 root root\n", (await host.RunAsync(["stat", "-c", "%a %U %G", "/etc/apphost/acme/acme-ca.pem"])).Output);
            Assert.Equal(1, await pebble.CountInLogAsync("Added order"));
        }
        finally
        {
            // Its renewals would ask a Pebble gone with this test.
            await host.RunAsync(["systemctl", "disable", "--now", "acme.socket", "acme-http.socket", "acme.service"], check: false);
        }
    }
}
