using System.Globalization;

namespace AppHost.Metrics;

/// <summary>Which exposition format a scraper asked for in its Accept header.</summary>
internal static class ScrapeFormat
{
    private const string OpenMetricsType = "application/openmetrics-text";

    /// <summary>
    /// True when OpenMetrics is acceptable and preferred at least as much as the text format:
    /// Prometheus asks for it first (q=1, text/plain at q=0.5). curl's "*/*" and no header at all get
    /// the text format, which every scraper reads.
    /// </summary>
    public static bool WantsOpenMetrics(string? accept)
    {
        double openMetrics = 0;
        double text = 0;
        foreach (string range in (accept ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = range.Split(';', StringSplitOptions.TrimEntries);
            double q = Quality(parts);
            if (parts[0].Equals(OpenMetricsType, StringComparison.OrdinalIgnoreCase))
            {
                openMetrics = Math.Max(openMetrics, q);
            }
            else if (parts[0].Equals("text/plain", StringComparison.OrdinalIgnoreCase) || parts[0] is "text/*" or "*/*")
            {
                text = Math.Max(text, q);
            }
        }

        return openMetrics > 0 && openMetrics >= text;
    }

    // RFC 9110 §12.4.2: a weight from 0 to 1, 1 when absent; one that cannot be read counts as 0.
    private static double Quality(string[] parameters)
    {
        foreach (string parameter in parameters.Skip(1))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
            {
                return double.TryParse(parameter.AsSpan(2), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q) ? Math.Clamp(q, 0, 1) : 0;
            }
        }

        return 1;
    }
}
