using Microsoft.Extensions.Primitives;

namespace AppHost.Listening.Forwarding;

/// <summary>
/// The entries of a comma-separated header (RFC 9110 section 5.6.1), from the last to the first,
/// across every line the header came in, as spans of the header's own strings: nothing is
/// allocated. Several lines of one header are one list, in the order they came (RFC 9110 5.3).
/// </summary>
internal ref struct ListEntries(StringValues values)
{
    private readonly StringValues _values = values;

    // The header lines not yet begun, counted from the first: the next to read is the one before.
    private int _linesLeft = values.Count;

    // What is still unread of the current line, and whether there is one.
    private ReadOnlySpan<char> _rest;
    private bool _inLine;

    /// <summary>The next entry to the left, without the spaces and tabs around it; empty entries are skipped, as RFC 9110 5.6.1 asks of a recipient.</summary>
    public bool TryNext(out ReadOnlySpan<char> entry)
    {
        // Each turn consumes at least one character or one line, so a header of empty entries
        // (",,,,") costs its length, which Kestrel bounds (MaxRequestHeadersTotalSize).
        while (true)
        {
            if (!_inLine)
            {
                if (_linesLeft == 0)
                {
                    entry = default;
                    return false;
                }

                _rest = _values[--_linesLeft].AsSpan();
                _inLine = true;
            }

            int comma = _rest.LastIndexOf(',');
            entry = _rest[(comma + 1)..].Trim(" \t"); // OWS: spaces and horizontal tabs (RFC 9110 5.6.3)
            if (comma < 0)
            {
                _inLine = false;
            }
            else
            {
                _rest = _rest[..comma];
            }

            if (!entry.IsEmpty)
            {
                return true;
            }
        }
    }

    /// <summary>How many entries <paramref name="values"/> holds, counting no further than <paramref name="limit"/>.</summary>
    public static int Count(StringValues values, int limit)
    {
        var entries = new ListEntries(values);
        int count = 0;
        while (count < limit && entries.TryNext(out _))
        {
            count++;
        }

        return count;
    }
}
