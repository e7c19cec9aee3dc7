using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Debian's nginx ending TLS in front of a plain HTTP server, as a reverse proxy does: it connects
/// to the server from its own loopback address and adds X-Forwarded-For and X-Forwarded-Proto.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly TempDirectory _folder;

    private Nginx(Process process, TempDirectory folder, IPAddress address, int port)
    {
        _process = process;
        _folder = folder;
        Address = address;
        Port = port;
    }

    /// <summary>Where clients connect, over HTTPS.</summary>
    public IPAddress Address { get; }

    public int Port { get; }

    /// <param name="address">The loopback address clients connect to.</param>
    /// <param name="source">The loopback address nginx connects to the server from.</param>
    /// <param name="server">The server's plain HTTP port on 127.0.0.1.</param>
    /// <param name="certificates">nginx's certificate and key (PEM).</param>
    public static async Task<Nginx> StartAsync(IPAddress address, IPAddress source, int server, TestCertificates certificates)
    {
        // nginx needs its port in its configuration: chosen free just before it binds it.
        int port = Poll.FreePort();
        var folder = new TempDirectory();
        string configuration = Path.Combine(folder.Path, "nginx.conf");
        // Every path nginx writes is the test's own folder, so it runs beside any nginx of the machine.
        await File.WriteAllTextAsync(configuration, string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            pid {{folder.Path}}/nginx.pid;
            error_log stderr;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path {{folder.Path}}/body;
              proxy_temp_path {{folder.Path}}/proxy;
              fastcgi_temp_path {{folder.Path}}/fastcgi;
              uwsgi_temp_path {{folder.Path}}/uwsgi;
              scgi_temp_path {{folder.Path}}/scgi;
              server {
                listen {{address}}:{{port}} ssl;
                ssl_certificate {{certificates.CertificatePem}};
                ssl_certificate_key {{certificates.KeyPem}};
                location / {
                  proxy_pass http://127.0.0.1:{{server}};
                  proxy_bind {{source}};
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                }
              }
            }
            """));
        var process = Process.Start(new ProcessStartInfo("nginx", ["-c", configuration, "-p", folder.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var nginx = new Nginx(process, folder, address, port);
        try
        {
            await Poll.UntilAsync(async () => process.HasExited || await LoopbackPeer.CanConnectAsync(new IPEndPoint(address, port)), StartTimeout, "nginx listening");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
            }

            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Dispose();
    }
}
