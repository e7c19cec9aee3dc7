using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

/// <summary>The app under valgrind's lackey tool, which prints the address of every block of code each time it runs it.</summary>
internal static partial class Traced
{
    // Valgrind loads a position-independent program at this address (coregrind's ume loader);
    // checked against the file's entry point (ElfSymbols.Name) rather than trusted.
    public const ulong LoadAddress = 0x108000;

    private const int SigTerm = 15;

    /// <param name="certificateArguments">--cert and --key with their files, or none for plain HTTP.</param>
    /// <param name="scrapeMetrics">Start the app with --metrics-port and --otlp-endpoint, scrape it after the requests, and take its pushes.</param>
    public static async Task RunAsync(string app, FirstRuns trace, string[] certificateArguments, bool scrapeMetrics = false)
    {
        int port = LoopbackProbe.FreePort();
        int metricsPort = LoopbackProbe.FreePort();
        var start = new ProcessStartInfo("valgrind")
        {
            // Without chasing, each block ends at a call, so a method shows up even when it is tiny.
            ArgumentList = { "--tool=lackey", "--trace-superblocks=yes", "--vex-guest-chase=no", "--log-fd=2", app },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-level", "warning" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string argument in certificateArguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var otlp = scrapeMetrics ? new OtlpSink(LoopbackProbe.FreePort()) : null;
        if (otlp is not null)
        {
            start.ArgumentList.Add("--metrics-port");
            start.ArgumentList.Add(metricsPort.ToString(CultureInfo.InvariantCulture));
            // Pushed every second, so that a few pushes fall within the trace.
            foreach (string argument in new[] { "--otlp-endpoint", otlp.Endpoint, "--otlp-interval", "1" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        using var valgrind = StartOrExplain(start);
        try
        {
            valgrind.BeginOutputReadLine();
            var reading = Task.Run(() => ReadBlocks(valgrind.StandardError.BaseStream, trace));

            bool tls = certificateArguments.Length > 0;
            await Requests.WaitUntilServingAsync(port, tls, valgrind, TimeSpan.FromMinutes(2)); // about 25 s under valgrind
            await Requests.SendAsync(port, tls);
            if (otlp is not null)
            {
                await Requests.ScrapeAsync(metricsPort);
                // Three: the first finds every series, the next ones only read them, as scrapes do.
                await otlp.WaitForAsync(3, TimeSpan.FromMinutes(2));
            }

            // Graceful stop, as systemd asks for one: its code is laid out after the requests'.
            _ = kill(valgrind.Id, SigTerm);
            if (!valgrind.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                throw new InvalidOperationException("the app did not stop within a minute of SIGTERM");
            }

            await reading;
        }
        finally
        {
            // An error above must not leave the app running under valgrind.
            if (!valgrind.HasExited)
            {
                valgrind.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("valgrind is not installed; install it (apt-get install valgrind) and run this again");
        }
    }

    // Lines are "SB 0401ab70"; anything else (valgrind's own lines, the app's) is skipped.
    private static void ReadBlocks(Stream lines, FirstRuns trace)
    {
        var buffer = new byte[1 << 16];
        bool block = false, skipping = false;
        int lineLength = 0;
        ulong address = 0;
        int read;
        while ((read = lines.Read(buffer)) > 0)
        {
            foreach (byte b in buffer.AsSpan(0, read))
            {
                if (b == '\n')
                {
                    if (block)
                    {
                        trace.Add(address);
                    }

                    (block, skipping, lineLength, address) = (false, false, 0, 0);
                }
                else if (!skipping && !block)
                {
                    skipping = "SB "[lineLength] != b;
                    block = !skipping && ++lineLength == 3;
                }
                else if (block)
                {
                    address = (address << 4) | HexValue(b);
                }
            }
        }
    }

    private static ulong HexValue(byte b) => (ulong)(b <= '9' ? b - '0' : b - 'a' + 10);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
