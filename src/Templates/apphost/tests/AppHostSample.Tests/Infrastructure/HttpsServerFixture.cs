using AppHost.Testing;

namespace AppHostSample.Tests.Infrastructure;

/// <summary>One HTTPS server, with a throwaway certificate, shared by the tests of a class.</summary>
public sealed class HttpsServerFixture : IAsyncLifetime
{
    /// <summary>The app built beside the tests.</summary>
    public static readonly string App = RunningApp.Built("apphostsample");

    public TestCertificate Certificate { get; } = new();

    public RunningApp Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningApp.StartAsync(App, "--cert", Certificate.Pfx);

    public HttpClient Http2() => TestClients.Http2(Server.Address, Certificate.Certificate);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificate.Dispose();
    }
}
