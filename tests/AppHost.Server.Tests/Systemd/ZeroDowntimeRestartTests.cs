using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Systemd;

/// <summary>
/// With the listening socket held by a parent (systemd, here the test), restarting the app under
/// continuous load loses no request, for three kinds of client that never resend one: a new TLS
/// connection per request, keep-alive HTTP/1.1, and HTTP/2 with many streams per connection. New
/// connections wait in the kernel's queue while the old process serves everything already sent
/// to it and the new one starts. The same under a real systemd: <see cref="SystemdServiceTests"/>.
/// </summary>
public sealed class ZeroDowntimeRestartTests(CertificatesFixture certificates, ITestOutputHelper output) : IClassFixture<CertificatesFixture>
{
    [Fact]
    public async Task TwoRestartsUnderLoadLoseNoRequest()
    {
        using var socket = new HeldSocket("https");

        await RestartsUnderLoad.AssertTwoLoseNothingAsync(socket, ["--cert", certificates.Files.Pfx], socket.Port, output);
    }
}
