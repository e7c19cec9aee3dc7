using System.Globalization;
using System.Text.RegularExpressions;

namespace AppHost.Cli.Tests.Commands.Service;

/// <summary>systemd's own tools judge the units <c>apphost service</c> writes: its security analysis and its unit checker.</summary>
public sealed partial class SystemdAnalyzeTests : IDisposable
{
    // verify checks that ExecStart's file exists and is executable; the shell stands in for the app.
    private const string Binary = "/bin/sh";

    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData("--cert", "/etc/ssl/shop.pem", "--key", "/etc/ssl/shop.key")]
    [InlineData("--cert", "/etc/ssl/shop.pfx", "--user", "www-data")]
    [InlineData("--http-port", "0")]
    [InlineData("--acme-domain", "shop.example.com", "--acme-email", "admin@example.com")]
    public async Task ServiceIsRatedAtMostOnePointFiveOfTenBySystemdSecurity(params string[] options)
    {
        if (!TryFindAnalyzer(out string analyzer))
        {
            return;
        }

        await WriteUnitsAsync(options);

        // --threshold counts tenths: systemd-analyze fails when the exposure is above 1.5.
        var run = await CommandRun.RunAsync([analyzer, "security", "--offline=yes", "--threshold=15", "--no-pager", Path.Combine(_directory.Path, "shop.service")],
            _directory.Path, TimeSpan.FromMinutes(1));

        string report = string.Join('\n', run.StandardOutput.Where(l => l.Contains('✗') || l.Contains("Overall", StringComparison.Ordinal)));
        var overall = run.StandardOutput.Select(l => OverallExposure().Match(l)).SingleOrDefault(m => m.Success);
        Assert.True(overall is not null, $"no overall exposure in the output:\n{string.Join('\n', run.StandardOutput)}\n{string.Join('\n', run.StandardError)}");
        Assert.True(double.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture) <= 1.5, $"exposure above 1.5:\n{report}");
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{report}");
    }

    [Theory]
    [InlineData("--cert", "/etc/ssl/shop.pem", "--key", "/etc/ssl/shop.key")]
    [InlineData("--cert", "/etc/ssl/shop.pfx", "--user", "www-data", "--http-port", "0")]
    [InlineData("--acme-domain", "shop.example.com", "--acme-domain", "www.shop.example.com", "--acme-directory", "https://acme-staging-v02.api.letsencrypt.org/directory")]
    public async Task UnitsPassSystemdVerifyWithoutAWarning(params string[] options)
    {
        if (!TryFindAnalyzer(out string analyzer))
        {
            return;
        }

        var written = await WriteUnitsAsync(options);

        // An unknown or misspelled setting is only a warning on stderr; the exit code stays 0.
        var run = await CommandRun.RunAsync([analyzer, "verify", "--man=no", "--no-pager", .. written], _directory.Path, TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0 && run.StandardError.Count == 0, $"exit code {run.ExitCode}:\n{string.Join('\n', run.StandardError)}");
    }

    public void Dispose() => _directory.Dispose();

    private async Task<IReadOnlyList<string>> WriteUnitsAsync(string[] options) =>
        (await AppHostTool.RunAsync(_directory.Path, ["service", "shop", "--binary", Binary, .. options])).AssertSucceeded().StandardOutput;

    // systemd exists on Linux only; there CI installs it (.ci/run), and a machine without it is told how.
    private static bool TryFindAnalyzer(out string path)
    {
        path = "";
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "systemd-analyze")).FirstOrDefault(File.Exists);
        Assert.True(found is not null, "systemd-analyze is not installed; install it with: sudo apt-get install systemd");
        path = found;
        return true;
    }

    [GeneratedRegex(@"Overall exposure level for shop\.service: (\d+(?:\.\d+)?)")]
    private static partial Regex OverallExposure();
}
