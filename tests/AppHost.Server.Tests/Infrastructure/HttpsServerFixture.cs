namespace AppHost.Server.Tests.Infrastructure;

/// <summary>One HTTPS server (a .pfx certificate) shared by the tests of a class.</summary>
public sealed class HttpsServerFixture : IAsyncLifetime
{
    public TestCertificates Certificates { get; } = new();

    public RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await SampleApp.StartAsync("--cert", Certificates.Pfx);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Certificates.Dispose();
    }
}
