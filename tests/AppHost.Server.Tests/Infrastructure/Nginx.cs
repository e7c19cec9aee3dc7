using System.Globalization;
using System.Net;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Debian's nginx ending TLS in front of a plain HTTP server, as a reverse proxy does: it connects
/// to the server from its own loopback address and adds X-Forwarded-For and X-Forwarded-Proto
/// (https from its TLS port, http from its plain port).
/// </summary>
public static class Nginx
{
    /// <param name="address">The loopback address clients connect to, over HTTPS and plain HTTP.</param>
    /// <param name="source">The loopback address nginx connects to the server from.</param>
    /// <param name="server">The server's plain HTTP port on 127.0.0.1.</param>
    /// <param name="certificates">nginx's certificate and key (PEM).</param>
    public static Task<BalancerProcess> StartAsync(IPAddress address, IPAddress source, int server, TestCertificates certificates)
    {
        int plainPort = FreePorts.Take();
        return BalancerProcess.StartAsync("nginx", address, (folder, port) =>
        {
            string configuration = Path.Combine(folder, "nginx.conf");
            // Every path nginx writes is the test's own folder, so it runs beside any nginx of the machine.
            File.WriteAllText(configuration, string.Create(CultureInfo.InvariantCulture, $$"""
                daemon off;
                pid {{folder}}/nginx.pid;
                error_log stderr;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path {{folder}}/body;
                  proxy_temp_path {{folder}}/proxy;
                  fastcgi_temp_path {{folder}}/fastcgi;
                  uwsgi_temp_path {{folder}}/uwsgi;
                  scgi_temp_path {{folder}}/scgi;
                  server {
                    listen {{address}}:{{port}} ssl;
                    listen {{address}}:{{plainPort}};
                    ssl_certificate {{certificates.CertificatePem}};
                    ssl_certificate_key {{certificates.KeyPem}};
                    location / {
                      proxy_pass http://127.0.0.1:{{server}};
                      proxy_bind {{source}};
                      # nginx sends its upstream's address as Host unless told: the host filter and the redirect need the client's.
                      proxy_set_header Host $host;
                      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                      proxy_set_header X-Forwarded-Proto $scheme;
                    }
                  }
                }
                """));
            return ["-c", configuration, "-p", folder];
        }, plainPort);
    }
}
