using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace AppHost.Cli.Tests.Template;

/// <summary>A published app running as a server: started, ready once it prints where it listens, stopped with SIGTERM.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private RunningServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<RunningServer> StartAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var cancel = new CancellationTokenSource(Timeout);
            // Output is redirected, so the app logs JSON; its start-up event names the addresses.
            while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.TryGetProperty("Addresses", out var addresses))
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new RunningServer(process, new Uri(addresses.GetString()!.Split(", ")[0]));
                }
            }

            throw new InvalidOperationException($"{file} exited before listening");
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>A client that speaks HTTP/2 only and trusts exactly the certificate with this SHA-256 fingerprint.</summary>
    public HttpClient Http2Client(string sha256Fingerprint) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == sha256Fingerprint },
    })
    {
        BaseAddress = Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        Assert.Equal(0, Kill(_process.Id, 15));
        using var cancel = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
