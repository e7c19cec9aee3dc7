// Measures the published native file: size, exec to first HTTP 200 and first HTTPS 200, idle RSS.
// Run: ./publish.sh && dotnet run build/measure-startup.cs -- artifacts/publish/linux-x64/apphostsample [rounds]
#:property PublishAot=false
#:property TreatWarningsAsErrors=true

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("error: give the published native file, for example artifacts/publish/linux-x64/apphostsample");
    return 2;
}

string app = Path.GetFullPath(args[0]);
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
string scratch = Directory.CreateTempSubdirectory("measure-startup-").FullName;
string pfx = Path.Combine(scratch, "measure.pfx");
using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
{
    var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
    using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
    File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12));
}

// One untimed run of each kind warms the file cache and this client's own TLS stack.
Measure(https: false);
Measure(https: true);

// Interleaved rounds, so drift of the machine affects both kinds alike.
var http = new List<double>();
var https = new List<double>();
var rssHttp = new List<double>();
var rssHttps = new List<double>();
for (int i = 0; i < rounds; i++)
{
    var (ms, rss) = Measure(https: false);
    http.Add(ms);
    rssHttp.Add(rss);
    (ms, rss) = Measure(https: true);
    https.Add(ms);
    rssHttps.Add(rss);
}

long bytes = new FileInfo(app).Length;
Console.WriteLine($"file            {bytes / 1e6,8:F3} MB ({bytes} bytes; budget 12 MB)");
Console.WriteLine($"first HTTP 200  {Median(http),8:F1} ms median (budget 25)  [{string.Join(' ', http.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}]");
Console.WriteLine($"first HTTPS 200 {Median(https),8:F1} ms median (budget 60)  [{string.Join(' ', https.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}]");
// The budget is in decimal megabytes, as the file's is: 20 MB is 19.07 MiB.
Console.WriteLine($"idle RSS, HTTP  {Median(rssHttp),8:F1} MiB median = {Median(rssHttp) * 1.048576:F1} MB (budget 20 MB)");
Console.WriteLine($"idle RSS, HTTPS {Median(rssHttps),8:F1} MiB median = {Median(rssHttps) * 1.048576:F1} MB (budget 20 MB)");
Console.WriteLine($"({rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd})");
Directory.Delete(scratch, recursive: true);
return 0;

// Starts the app, polls until the first 200 on /healthz, then lets it idle and reads its RSS.
(double Milliseconds, double RssMiB) Measure(bool https)
{
    int port = FreePort();
    var info = new ProcessStartInfo(app)
    {
        ArgumentList = { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-level", "warning" },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    if (https)
    {
        info.ArgumentList.Add("--cert");
        info.ArgumentList.Add(pfx);
    }

    var clock = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    while (!TryGet(port, https))
    {
        if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(10))
        {
            throw new InvalidOperationException($"the app did not answer: {process.StandardError.ReadToEnd()}");
        }

        // Give the starting server the CPU between attempts; on 2 cores a busy loop would slow what it measures.
        Thread.Yield();
    }

    double milliseconds = clock.Elapsed.TotalMilliseconds;
    for (int i = 0; i < 20; i++)
    {
        TryGet(port, https);
    }

    // Idle: a second without requests, as a server between bursts.
    Thread.Sleep(1000);
    double rss = ReadRssMiB(process.Id);
    process.Kill();
    process.WaitForExit();
    return (milliseconds, rss);
}

// One GET /healthz on a fresh connection; false while nothing listens yet.
static bool TryGet(int port, bool https)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    try
    {
        socket.Connect(IPAddress.Loopback, port);
    }
    catch (Exception e) when (e is SocketException or IOException)
    {
        // Not listening yet, or listening but not yet serving TLS.
        return false;
    }

    Stream stream = new NetworkStream(socket, ownsSocket: false);
    try
    {
        if (https)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            tls.AuthenticateAsClient("localhost");
            stream = tls;
        }

        stream.Write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8);
        var buffer = new byte[512];
        int read = stream.Read(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
    }
    catch (IOException)
    {
        return false;
    }
    finally
    {
        stream.Dispose();
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static double ReadRssMiB(int pid)
{
    string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
