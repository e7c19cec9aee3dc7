using System.Collections.Concurrent;
using AppHost.Certificates;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Certificates;

/// <summary>
/// Other files in the certificate's folder do not make the server load its certificate again;
/// a renewal tool renaming a new file over it does.
/// </summary>
public sealed class CertificateFolderWatcherTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task OnlyTheCertificateFilesAreReported()
    {
        string certificate = Path.Combine(_directory.Path, "cert.pem");
        File.WriteAllText(certificate, "old");
        var reported = new ConcurrentQueue<string>();
        var watchers = CertificateFolderWatcher.Watch([certificate, null, null], reported.Enqueue);
        try
        {
            // A log written beside the certificate, then a renewal as certbot does it. The watcher
            // reports changes in the order they happened, so any report of the log comes first.
            File.WriteAllText(Path.Combine(_directory.Path, "server.log"), "a line");
            File.AppendAllText(Path.Combine(_directory.Path, "server.log"), "another line");
            File.WriteAllText(certificate + ".new", "new");
            File.Move(certificate + ".new", certificate, overwrite: true);

            await Poll.UntilAsync(() => Task.FromResult(reported.Contains("cert.pem")), TimeSpan.FromSeconds(10), "the renamed certificate reported");
            Assert.All(reported, name => Assert.Equal("cert.pem", name));
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    public void Dispose() => _directory.Dispose();
}
