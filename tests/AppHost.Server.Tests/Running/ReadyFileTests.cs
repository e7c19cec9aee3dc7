using System.Runtime.InteropServices;
using System.Text.Json;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Running;

/// <summary>
/// --ready-file: how tools learn where a started server listens. Written whole once every listener
/// is open, with the ports the system picked; gone once the server stops.
/// </summary>
public sealed class ReadyFileTests
{
    [Fact]
    public async Task ReadyFileNamesEachListenerWithItsRoleAndTheProcessAndVersions()
    {
        using var certificates = new TestCertificates();
        string readyFile = RunningApp.NewReadyFile();
        await using var app = await RunningApp.AttachAsync(
            SampleApp.Start(["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--cert", certificates.Pfx, "--ready-file", readyFile]), readyFile);

        using var ready = JsonDocument.Parse(File.ReadAllBytes(readyFile));
        var root = ready.RootElement;
        Assert.Equal(1, root.GetProperty("format").GetInt32());
        Assert.Equal(app.Process.Id, root.GetProperty("pid").GetInt32());
        Assert.Equal("apphostsample", root.GetProperty("app").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("appVersion").GetString()));
        Assert.StartsWith("0.1.0", root.GetProperty("apphostVersion").GetString());
        var listeners = root.GetProperty("listeners").EnumerateArray().Select(l => (l.GetProperty("role").GetString(), new Uri(l.GetProperty("url").GetString()!))).ToList();
        Assert.Equal(2, listeners.Count);
        Assert.Contains(listeners, l => l is ("server", { Scheme: "https", Host: "127.0.0.1" }) && l.Item2.Port != 0);
        Assert.Contains(listeners, l => l is ("redirect", { Scheme: "http", Host: "127.0.0.1" }) && l.Item2.Port != 0);
        Assert.NotEqual(app.Address.Port, app.RedirectAddress!.Port);
        using var client = TestClients.Http11(app.RedirectAddress);
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.PermanentRedirect, response.StatusCode);
    }

    [Fact]
    public async Task ReadyFileIsGoneOnceTheServerHasStopped()
    {
        string readyFile = RunningApp.NewReadyFile();
        await using var app = await RunningApp.AttachAsync(SampleApp.Start(["--host", "127.0.0.1", "--port", "0", "--ready-file", readyFile]), readyFile);
        Assert.True(File.Exists(readyFile));

        app.Process.Signal(PosixSignal.SIGTERM);

        Assert.Equal(0, await app.Process.WaitForExitAsync(RunningApp.StartTimeout));
        Assert.False(File.Exists(readyFile));
    }

    [Fact]
    public async Task ReadyFileThatCannotBeWrittenStopsStartUpWithOneLine()
    {
        var run = await AppExit.RunAsync("--host", "127.0.0.1", "--port", "0", "--ready-file", "/nonexistent/ready.json");

        run.AssertOneLineError(ExitCodes.Failure, "cannot write --ready-file '/nonexistent/ready.json'", "a folder that exists");
    }
}
