#!/usr/bin/env dotnet
// Measures the published native file: size, exec to first HTTP 200 and first HTTPS 200, idle RSS.
// Run: (cd src/Templates/apphost && ./publish.sh) && dotnet run build/measure-startup.cs -- src/Templates/apphost/artifacts/publish/linux-x64/apphostsample [rounds]
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
#:include shared/LoopbackProbe.cs
#:include shared/TestCertificate.cs

using System.Diagnostics;
using System.Globalization;

if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("error: give the published native file, for example artifacts/publish/linux-x64/apphostsample");
    return 2;
}

string app = Path.GetFullPath(args[0]);
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
string scratch = Directory.CreateTempSubdirectory("measure-startup-").FullName;
string pfx = TestCertificate.Write(scratch).Pfx;

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
    int port = LoopbackProbe.FreePort();
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
    while (!LoopbackProbe.TryGet(port, https, "/healthz"))
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
        LoopbackProbe.TryGet(port, https, "/healthz");
    }

    // Idle: a second without requests, as a server between bursts.
    Thread.Sleep(1000);
    double rss = ReadRssMiB(process.Id);
    process.Kill();
    process.WaitForExit();
    return (milliseconds, rss);
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
