#!/usr/bin/env dotnet
// Writes src/AppHost.Server/buildTransitive/StartupOrder.txt, the start-up method order every app gets from the package: the
// native methods the template's sample app runs as it starts and serves its first requests, in the order it first runs them;
// publish lays them out first, side by side (docs/startup.md).
// Needs Linux x64 and valgrind (apt-get install valgrind). Run after changing endpoints, services or packages, or
// after a .NET update: dotnet run build/startup-order.cs (about 4 minutes: two publishes, five runs under valgrind).
#:property TreatWarningsAsErrors=true
#:property AllowUnsafeBlocks=true
#:include shared/LoopbackProbe.cs
#:include shared/TestCertificate.cs
#:include startup-order/FirstRuns.cs
#:include startup-order/Traced.cs
#:include startup-order/Requests.cs
#:include startup-order/ElfSymbols.cs
#:include startup-order/OtlpSink.cs

using System.Diagnostics;
using System.Runtime.InteropServices;

try
{
    if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
    {
        throw new InvalidOperationException("this traces the linux-x64 file under valgrind: run it on Linux x64");
    }

    string scriptFolder = AppContext.GetData("EntryPointFileDirectoryPath") as string
        ?? throw new InvalidOperationException("run it as a file-based app: dotnet run build/startup-order.cs");
    string root = Path.GetFullPath(Path.Combine(scriptFolder, ".."));
    string project = Path.Combine(root, "src", "Templates", "apphost", "src", "AppHostSample");
    string output = Path.Combine(root, "src", "AppHost.Server", "buildTransitive", "StartupOrder.txt");
    string scratch = Directory.CreateTempSubdirectory("startup-order-").FullName;
    try
    {
        string app = Publish(project, Path.Combine(scratch, "publish"));
        var certificate = TestCertificate.Write(scratch);

        // With a certificate first, as a server facing the internet starts: a .pfx, then PEM files
        // (certbot's and Kubernetes' form); then what plain HTTP adds.
        var trace = new FirstRuns();
        await Traced.RunAsync(app, trace, ["--cert", certificate.Pfx]);
        await Traced.RunAsync(app, trace, ["--cert", certificate.CertificatePem, "--key", certificate.KeyPem]);
        await Traced.RunAsync(app, trace, []);

        var methods = ElfSymbols.Read(app, "__managedcode", "__unbox");
        var names = methods.Name(trace.InOrder).ToList();

        // Then what serving metrics adds, traced on a build with metrics (MetricsSupport=true) started with
        // --metrics-port and scraped, and with --otlp-endpoint and pushing. Its names come after the others: a build without metrics skips them,
        // and one with metrics finds the exporter's code side by side instead of over a megabyte of the file.
        string metricsApp = Publish(project, Path.Combine(scratch, "publish-metrics"), "-p:MetricsSupport=true");
        var metricsTrace = new FirstRuns();
        await Traced.RunAsync(metricsApp, metricsTrace, ["--cert", certificate.Pfx], scrapeMetrics: true);
        // And plain HTTP, as behind a balancer: Kestrel's metrics take other paths there, which otherwise run outside the order.
        await Traced.RunAsync(metricsApp, metricsTrace, [], scrapeMetrics: true);
        names.AddRange(ElfSymbols.Read(metricsApp, "__managedcode", "__unbox").Name(metricsTrace.InOrder));
        names = names.Distinct(StringComparer.Ordinal).ToList();

        // Written beside and moved into place, so an interrupted run never leaves half a file.
        string staging = output + ".tmp";
        File.WriteAllLines(staging, Header().Concat(names));
        File.Move(staging, output, overwrite: true);
        Console.WriteLine($"{names.Count} method names -> {output}");
        return 0;
    }
    finally
    {
        Directory.Delete(scratch, recursive: true);
    }
}
catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// The same code as ./publish.sh makes, with the symbol table kept (it names the methods) and no DWARF
// debug information: valgrind 3.19, Debian 12's, gives up on the file's DWARF 5 ("unhandled dwarf2
// abbrev form code 0x25", then "Possibly corrupted debuginfo file").
static string Publish(string project, string folder, params string[] properties)
{
    var start = new ProcessStartInfo("dotnet")
    {
        ArgumentList =
        {
            "publish", project, "-c", "Release", "-r", "linux-x64", "-o", folder, "--nologo", "-v", "quiet",
            "-p:StripSymbols=false", "-p:NativeDebugSymbols=false",
        },
    };
    foreach (string property in properties)
    {
        start.ArgumentList.Add(property);
    }

    var publish = Process.Start(start)!;
    publish.WaitForExit();
    if (publish.ExitCode != 0)
    {
        throw new InvalidOperationException("publish failed; its errors are above");
    }

    // The native file is the one without an extension (beside it: nothing, or .dbg and .pdb files).
    var files = Directory.GetFiles(folder).Where(file => Path.GetExtension(file).Length == 0).ToList();
    return files.Count == 1
        ? files[0]
        : throw new InvalidOperationException($"expected one native file in '{folder}', found: {string.Join(", ", files.Select(Path.GetFileName))}");
}

static IEnumerable<string> Header() =>
[
    "# Generated by build/startup-order.cs; run it again rather than editing this list.",
    "# The methods the server runs as it starts and serves its first requests, in the order it first runs",
    "# them. Publish places them first in the file, side by side, so a fresh server maps that much code",
    "# instead of most of the file (docs/startup.md). A name an app does not have is skipped: the",
    "# sample app's own methods (apphostsample_*) only help the sample. Last come the methods that",
    "# serving and scraping --metrics-port and pushing to --otlp-endpoint add, in a build with metrics (MetricsSupport=true).",
];
