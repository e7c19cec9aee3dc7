using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Publishes the sample app once with the template's own publish script, NativeAOT, into a
/// temporary artifacts folder, as a user would. Takes about a minute; the tests that need it share it.
/// </summary>
public sealed class NativeAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _artifacts = new();

    public string Rid { get; } = RuntimeInformation.RuntimeIdentifier;

    public string Artifacts => _artifacts.Path;

    public string PublishDirectory => Path.Combine(Artifacts, "publish", Rid);

    public string NativeFile => Path.Combine(PublishDirectory, OperatingSystem.IsWindows() ? "apphostsample.exe" : "apphostsample");

    /// <summary>What the publish script printed: its report of path, size, sha256 and glibc.</summary>
    public string Report { get; private set; } = "";

    public TestCertificates Certificates { get; } = new();

    public async Task InitializeAsync()
    {
        string root = TemplateRoot();
        // The build's own bin/ and obj/ folders in the temporary folder too: other tests build
        // AppHost.Server at the same time (the journey packs it), and two builds must not share obj/.
        string build = Path.Combine(Artifacts, "build");
        var info = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("pwsh") { ArgumentList = { "-NoProfile", "-File", Path.Combine(root, "publish.ps1"), Rid, "--artifacts-path", build } }
            : new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(root, "publish.sh"), Rid, "--artifacts-path", build } };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.Environment["ARTIFACTS_DIR"] = Artifacts;

        using var publish = Process.Start(info)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await publish.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            throw new TimeoutException($"publish did not finish within {PublishTimeout}");
        }

        Report = await output;
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"publish failed with exit code {publish.ExitCode}:\n{Report}\n{await errors}");
        }
    }

    public Task DisposeAsync()
    {
        Certificates.Dispose();
        _artifacts.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The template's solution, which holds its publish scripts, found upwards from the test binaries.</summary>
    private static string TemplateRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string template = Path.Combine(dir.FullName, "src", "Templates", "apphost");
            if (File.Exists(Path.Combine(template, "publish.sh")))
            {
                return template;
            }
        }

        throw new InvalidOperationException($"no src/Templates/apphost/publish.sh above {AppContext.BaseDirectory}");
    }
}
