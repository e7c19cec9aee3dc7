#!/usr/bin/env dotnet
// Measures the published native file: size, exec to first HTTP 200 and first HTTPS 200, idle RSS.
// Run: (cd src/Templates/apphost && ./publish.sh) && dotnet run build/measure-startup.cs -- src/Templates/apphost/artifacts/publish/linux-x64/apphostsample [more files] [rounds]
// Several files are measured in the same interleaved rounds, to compare builds.
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
#:include shared/LoopbackProbe.cs
#:include shared/TestCertificate.cs

using System.Diagnostics;
using System.Globalization;

// Files to compare are measured in the same rounds, one after another, so drift of the machine affects them alike.
string[] apps = [.. args.TakeWhile(a => !int.TryParse(a, CultureInfo.InvariantCulture, out _)).Select(Path.GetFullPath)];
string? problem = apps.Length == 0 ? "no file given" : apps.FirstOrDefault(a => !File.Exists(a)) is { } missing ? $"'{missing}' does not exist" : null;
if (problem is not null)
{
    Console.Error.WriteLine($"error: {problem}; give the published native file(s), for example src/Templates/apphost/artifacts/publish/linux-x64/apphostsample");
    return 2;
}

int rounds = args.Length > apps.Length ? int.Parse(args[apps.Length], CultureInfo.InvariantCulture) : 7;
string scratch = Directory.CreateTempSubdirectory("measure-startup-").FullName;
string pfx = TestCertificate.Write(scratch).Pfx;

// One untimed run of each kind warms the file cache and this client's own TLS stack.
foreach (string app in apps)
{
    Measure(app, https: false);
    Measure(app, https: true);
}

// Interleaved rounds: each file, HTTP then HTTPS, then the next round.
var results = apps.ToDictionary(a => a, _ => (Http: new List<double>(), Https: new List<double>(), RssHttp: new List<double>(), RssHttps: new List<double>()));
for (int i = 0; i < rounds; i++)
{
    foreach (string app in apps)
    {
        var result = results[app];
        var (ms, rss) = Measure(app, https: false);
        result.Http.Add(ms);
        result.RssHttp.Add(rss);
        (ms, rss) = Measure(app, https: true);
        result.Https.Add(ms);
        result.RssHttps.Add(rss);
    }
}

foreach (var (app, result) in results)
{
    long bytes = new FileInfo(app).Length;
    Console.WriteLine(app);
    Console.WriteLine($"file            {bytes / 1e6,8:F3} MB ({bytes} bytes; budget 12 MB)");
    Console.WriteLine($"first HTTP 200  {Median(result.Http),8:F1} ms median (budget 25)  [{string.Join(' ', result.Http.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}]");
    Console.WriteLine($"first HTTPS 200 {Median(result.Https),8:F1} ms median (budget 60)  [{string.Join(' ', result.Https.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}]");
    // The budget is in decimal megabytes, as the file's is: 20 MB is 19.07 MiB.
    Console.WriteLine($"idle RSS, HTTP  {Median(result.RssHttp),8:F1} MiB median = {Median(result.RssHttp) * 1.048576:F1} MB (budget 20 MB)");
    Console.WriteLine($"idle RSS, HTTPS {Median(result.RssHttps),8:F1} MiB median = {Median(result.RssHttps) * 1.048576:F1} MB (budget 20 MB)");
}

Console.WriteLine($"({rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd})");
Directory.Delete(scratch, recursive: true);
return 0;

// Starts the app, polls until the first 200 on /healthz, then lets it idle and reads its RSS.
(double Milliseconds, double RssMiB) Measure(string app, bool https)
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
