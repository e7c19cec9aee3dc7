using System.Globalization;

namespace AppHost.Metrics;

/// <summary>
/// The process metrics every Prometheus exporter writes (process_cpu_seconds_total,
/// process_resident_memory_bytes, process_open_fds, process_start_time_seconds, ...), read from
/// /proc at each scrape, so nothing runs between scrapes.
/// </summary>
internal sealed class ProcessMetrics
{
    // The unit of /proc's times: USER_HZ, 100 on Linux for every architecture .NET runs on (the
    // kernel converts from its own tick to it for user space).
    private const double TicksPerSecond = 100;

    private readonly double? _startTime = StartTime();

    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;

    /// <summary>When the process started, from /proc; when the metrics began where /proc cannot say.</summary>
    public DateTimeOffset Started => _startTime is { } seconds ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) : _created;

    public void Write(PrometheusText text)
    {
        text.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.");
        text.Sample("process_cpu_seconds_total", "", Environment.CpuUsage.TotalTime.TotalSeconds);
        if (_startTime is { } start)
        {
            text.Family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
            text.Sample("process_start_time_seconds", "", start);
        }

        Span<byte> buffer = stackalloc byte[ProcFile.BufferSize];
        // "size resident shared text lib data dt", in pages.
        var statm = ProcFile.Read("/proc/self/statm", buffer);
        if (ProcFile.TryNumber(ref statm, out long size) && ProcFile.TryNumber(ref statm, out long resident))
        {
            text.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size, in bytes.");
            text.Sample("process_virtual_memory_bytes", "", (double)size * Environment.SystemPageSize);
            text.Family("process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.");
            text.Sample("process_resident_memory_bytes", "", (double)resident * Environment.SystemPageSize);
        }

        if (Directory.Exists("/proc/self/fd"))
        {
            text.Family("process_open_fds", "gauge", "Number of open file descriptors.");
            // Less the one the enumeration itself holds open.
            text.Sample("process_open_fds", "", Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1);
        }

        if (MaxFiles(buffer) is { } max)
        {
            text.Family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
            text.Sample("process_max_fds", "", max);
        }
    }

    // The soft limit, the one that refuses a descriptor: "Max open files  1024  524288  files".
    private static long? MaxFiles(Span<byte> buffer)
    {
        var limits = ProcFile.Read("/proc/self/limits", buffer);
        int line = limits.IndexOf("\nMax open files"u8);
        if (line < 0)
        {
            return null;
        }

        var soft = limits[(line + "\nMax open files"u8.Length)..];
        return ProcFile.TryNumber(ref soft, out long max) ? max : null;
    }

    // Field 22 of /proc/self/stat is the start in ticks after boot; /proc/stat's btime is the boot in Unix seconds.
    // The fields are counted after the command name, which ends at the last ')' and may hold spaces.
    private static double? StartTime()
    {
        if (Read("/proc/self/stat") is not { } stat || Read("/proc/stat") is not { } system)
        {
            return null;
        }

        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        string? boot = system.Split('\n').FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal))?["btime ".Length..];
        return fields.Length > 19 && boot is not null
            && double.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out double ticks)
            && double.TryParse(boot, NumberStyles.None, CultureInfo.InvariantCulture, out double bootTime)
            ? bootTime + (ticks / TicksPerSecond)
            : null;
    }

    // Whole, as text, for StartTime's one read at start: /proc/stat runs to tens of KB on a machine of
    // many cores (a line per core and a long intr line), past ProcFile's buffer for the scrape's small files.
    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
