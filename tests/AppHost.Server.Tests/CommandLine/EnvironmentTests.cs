using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.CommandLine;

/// <summary>Each option can come from an APPHOSTSAMPLE_* variable; the command line wins.</summary>
public sealed class EnvironmentTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    [Fact]
    public async Task CertificateFromEnvironmentTurnsOnHttps()
    {
        await using var app = await SampleApp.StartAsync([], new Dictionary<string, string> { ["APPHOSTSAMPLE_CERT"] = certificates.Files.Pfx });

        Assert.Equal("https", app.Address.Scheme);
    }

    [Fact]
    public async Task CommandLineWinsOverEnvironment()
    {
        // RunningApp passes --port 0; were the variable read, its bad value would stop the start.
        await using var app = await SampleApp.StartAsync([], new Dictionary<string, string> { ["APPHOSTSAMPLE_PORT"] = "eighty" });

        Assert.NotEqual(0, app.Address.Port);
    }

    [Fact]
    public async Task LogFormatFromEnvironmentIsUsed()
    {
        // Output is redirected, which alone would give JSON; the variable asks for text.
        await using var process = SampleApp.Start(["--host", "127.0.0.1", "--port", "0"],
            new Dictionary<string, string> { ["APPHOSTSAMPLE_LOG_FORMAT"] = "text" });

        string line = await process.WaitForOutputAsync(l => l.Contains("Listening on", StringComparison.Ordinal), RunningApp.StartTimeout);

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} INF Listening on http://127\.0\.0\.1:\d+ ", line);
    }
}
