using System.Text;

namespace AppHost.Metrics;

/// <summary>
/// OpenTelemetry's instrument and attribute names as Prometheus names, by the convention its
/// Prometheus exporters follow: dots become underscores, the unit becomes a suffix (seconds, bytes),
/// and a counter ends in _total, so a dashboard written for another .NET exporter finds the same series.
/// </summary>
internal static class PrometheusNames
{
    // Prometheus keeps _count for a histogram's count (promtool flags a gauge that ends in it), so the
    // runtime's gauges of things that exist are named as Prometheus's own exporters name theirs (go_threads).
    private static readonly Dictionary<string, string> CountGauges = new(StringComparer.Ordinal)
    {
        ["dotnet.assembly.count"] = "dotnet_assemblies",
        ["dotnet.process.cpu.count"] = "dotnet_process_cpus",
        ["dotnet.thread_pool.thread.count"] = "dotnet_thread_pool_threads",
        ["dotnet.timer.count"] = "dotnet_timers",
    };

    /// <param name="instrument">For example http.server.request.duration.</param>
    /// <param name="unit">UCUM, as the instrument declares it: s, By, or an annotation such as {request}, which adds nothing.</param>
    /// <param name="counter">A monotonic sum, which Prometheus names with _total.</param>
    public static string Metric(string instrument, string? unit, bool counter)
    {
        if (!counter && CountGauges.TryGetValue(instrument, out string? renamed))
        {
            return renamed;
        }

        string name = Sanitize(instrument);
        if (UnitSuffix(unit) is { } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        return counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    /// <summary>An attribute's name as a label name: http.response.status_code is http_response_status_code.</summary>
    public static string Label(string attribute) => Sanitize(attribute);

    /// <summary>The base unit's word; null for a unit that is an annotation ({request}) or dimensionless.</summary>
    private static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ => null,
    };

    // Prometheus names are [a-zA-Z_:][a-zA-Z0-9_:]*; anything else, dots included, becomes an underscore.
    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }
}
