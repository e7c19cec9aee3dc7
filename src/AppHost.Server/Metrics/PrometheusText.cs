using System.Globalization;
using System.Text;

namespace AppHost.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: per metric a # HELP and a # TYPE
/// line, then one line per series, "name{label="value",...} number". Or OpenMetrics 1.0, which
/// Prometheus asks for first: the same lines, except that a counter's family is named without its
/// _total, and the text ends with "# EOF" so a scraper can tell a whole page from a cut one.
/// </summary>
/// <param name="openMetrics">Write OpenMetrics 1.0 rather than the text format 0.0.4.</param>
internal sealed class PrometheusText(bool openMetrics = false)
{
    private const string CounterSuffix = "_total";

    private readonly StringBuilder _text = new();

    /// <summary>The Content-Type of what this writes.</summary>
    public string ContentType => openMetrics
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Starts a metric family.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="type">counter, gauge or histogram.</param>
    /// <param name="help">What it measures; null for no # HELP line.</param>
    public void Family(string name, string type, string? help)
    {
        if (openMetrics && type == "counter" && name.EndsWith(CounterSuffix, StringComparison.Ordinal))
        {
            name = name[..^CounterSuffix.Length];
        }

        if (!string.IsNullOrEmpty(help))
        {
            _text.Append("# HELP ").Append(name).Append(' ');
            foreach (char c in help)
            {
                _ = c switch
                {
                    '\\' => _text.Append(@"\\"),
                    '\n' => _text.Append(@"\n"),
                    _ => _text.Append(c),
                };
            }

            _text.Append('\n');
        }

        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample line.</summary>
    /// <param name="name">The metric's name, with _bucket, _sum or _count for a histogram's lines.</param>
    /// <param name="labels">Labels already written by <see cref="Labels"/>, without braces; empty for none.</param>
    /// <param name="extra">One more label written here, such as a histogram bucket's le; null for none.</param>
    /// <param name="value">The sample's value.</param>
    public void Sample(string name, string labels, double value, (string Name, string Value)? extra = null)
    {
        _text.Append(name);
        if (labels.Length > 0 || extra is not null)
        {
            _text.Append('{').Append(labels);
            if (extra is { } label)
            {
                if (labels.Length > 0)
                {
                    _text.Append(',');
                }

                _text.Append(label.Name).Append("=\"").Append(label.Value).Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>The whole page, with OpenMetrics's end line.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(ToString());

    public override string ToString() => openMetrics ? _text + "# EOF\n" : _text.ToString();

    /// <summary>A number as the format writes it: shortest round-trip form, +Inf, -Inf or NaN.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Labels written once, for every later sample of a series: name="value" pairs, in name order, escaped.</summary>
    public static string Labels(IEnumerable<(string Name, string Value)> labels)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in labels.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(name).Append("=\"");
            foreach (char c in value)
            {
                _ = c switch
                {
                    '\\' => text.Append(@"\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append(@"\n"),
                    _ => text.Append(c),
                };
            }

            text.Append('"');
        }

        return text.ToString();
    }
}
