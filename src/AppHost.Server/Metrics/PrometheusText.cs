using System.Buffers;
using System.Globalization;
using System.Text;

namespace AppHost.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: per metric a # HELP and a # TYPE
/// line, then one line per series, "name{label="value",...} number". Or OpenMetrics 1.0, which
/// Prometheus asks for first: the same lines, except that a counter's family is named without its
/// _total, and the text ends with "# EOF" so a scraper can tell a whole page from a cut one.
/// The page is written as UTF-8 straight into a pooled buffer, so a scrape leaves no garbage of its
/// own: an idle server keeps what a scrape allocates as resident memory until its next collection,
/// and with the string built and encoded per scrape the sample's scrapes allocated 85-165 KB each
/// (about 16 KB now, the runtime's observable instruments and the request itself).
/// </summary>
/// <param name="openMetrics">Write OpenMetrics 1.0 rather than the text format 0.0.4.</param>
internal sealed class PrometheusText(bool openMetrics = false) : IDisposable
{
    private const string CounterSuffix = "_total";

    // The sample's page is 8-15 KB, so one buffer of this size holds it; a larger app's doubles as it grows.
    private const int FirstBufferSize = 16 * 1024;

    // Room for any number the format writes: the shortest round-trip form of a double is at most 24 characters.
    private const int NumberRoom = 32;

    private static readonly SearchValues<char> HelpEscapes = SearchValues.Create("\\\n");
    private static readonly SearchValues<char> LabelEscapes = SearchValues.Create("\\\"\n");

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize);
    private int _length;
    private bool _ended;

    /// <summary>The Content-Type of what this writes.</summary>
    public string ContentType => openMetrics
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The whole page in UTF-8, with OpenMetrics's end line; nothing can be written after it is read.</summary>
    public ReadOnlyMemory<byte> Utf8
    {
        get
        {
            if (!_ended && openMetrics)
            {
                Append("# EOF\n");
            }

            _ended = true;
            return _buffer.AsMemory(0, _length);
        }
    }

    /// <summary>Starts a metric family.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="type">counter, gauge or histogram.</param>
    /// <param name="help">What it measures; null for no # HELP line.</param>
    public void Family(string name, string type, string? help)
    {
        var familyName = name.AsSpan();
        if (openMetrics && type == "counter" && familyName.EndsWith(CounterSuffix, StringComparison.Ordinal))
        {
            familyName = familyName[..^CounterSuffix.Length];
        }

        if (!string.IsNullOrEmpty(help))
        {
            Append("# HELP ");
            Append(familyName);
            Append(" ");
            AppendEscaped(help, HelpEscapes);
            Append("\n");
        }

        Append("# TYPE ");
        Append(familyName);
        Append(" ");
        Append(type);
        Append("\n");
    }

    /// <summary>One sample line.</summary>
    /// <param name="name">The metric's name, with _bucket, _sum or _count for a histogram's lines.</param>
    /// <param name="labels">Labels already written by <see cref="Labels"/>, without braces; empty for none.</param>
    /// <param name="extra">One more label written here, such as a histogram bucket's le; null for none.</param>
    /// <param name="value">The sample's value.</param>
    public void Sample(string name, string labels, double value, (string Name, string Value)? extra = null)
    {
        Append(name);
        if (labels.Length > 0 || extra is not null)
        {
            Append("{");
            Append(labels);
            if (extra is { } label)
            {
                if (labels.Length > 0)
                {
                    Append(",");
                }

                Append(label.Name);
                Append("=\"");
                Append(label.Value);
                Append("\"");
            }

            Append("}");
        }

        Append(" ");
        AppendNumber(value);
        Append("\n");
    }

    /// <summary>The page as text, for reading in tests and logs.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);

    /// <summary>Gives the buffer back to the pool; the page must not be used after this.</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>A number as the format writes it: shortest round-trip form, +Inf, -Inf or NaN.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A measurement's tags as labels, written once for every later sample of a series: name="value"
    /// pairs with Prometheus's names, in name order, escaped.
    /// </summary>
    public static string Labels(IEnumerable<KeyValuePair<string, object?>> tags)
    {
        // Names and values side by side, sorted together: a list of pairs would be value-type generic code of its own in the file.
        var names = new List<string>();
        var values = new List<string>();
        foreach (var tag in tags)
        {
            names.Add(PrometheusNames.Label(tag.Key));
            values.Add(Text(tag.Value));
        }

        string[] sortedNames = [.. names], sortedValues = [.. values];
        Array.Sort(sortedNames, sortedValues, StringComparer.Ordinal);
        var text = new StringBuilder();
        for (int i = 0; i < sortedNames.Length; i++)
        {
            string name = sortedNames[i], value = sortedValues[i];
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(name).Append("=\"");
            foreach (char c in value)
            {
                _ = LabelEscapes.Contains(c) ? text.Append(Escaped(c)) : text.Append(c);
            }

            text.Append('"');
        }

        return text.ToString();
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private void AppendNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            Append(Number(value));
            return;
        }

        Reserve(NumberRoom);
        if (!value.TryFormat(_buffer.AsSpan(_length), out int written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"a number did not fit in {NumberRoom} bytes");
        }

        _length += written;
    }

    // Help text escapes a backslash and a line break; a label value a double quote as well.
    private void AppendEscaped(ReadOnlySpan<char> text, SearchValues<char> escapes)
    {
        int special;
        while ((special = text.IndexOfAny(escapes)) >= 0)
        {
            Append(text[..special]);
            Append(Escaped(text[special]));
            text = text[(special + 1)..];
        }

        Append(text);
    }

    // What the format writes for a backslash, a double quote or a line break.
    private static string Escaped(char c) => c switch { '\\' => @"\\", '"' => "\\\"", _ => @"\n" };

    private void Append(ReadOnlySpan<char> text)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_ended)
        {
            throw new InvalidOperationException("the page was already read");
        }

        Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
