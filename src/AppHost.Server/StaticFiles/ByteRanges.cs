using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace AppHost.StaticFiles;

/// <summary>A Range header (RFC 9110 §14), single ranges of bytes; anything else is served whole.</summary>
internal static class ByteRanges
{
    public enum Outcome
    {
        /// <summary>No range, several ranges or one this server does not parse: the whole content, 200.</summary>
        Whole,

        /// <summary>Part of the content, 206.</summary>
        Part,

        /// <summary>A range that starts beyond the content, 416.</summary>
        Unsatisfiable,
    }

    /// <param name="header">The Range header.</param>
    /// <param name="length">The content's length.</param>
    /// <param name="first">The first byte of the part.</param>
    /// <param name="last">The last byte of the part.</param>
    public static Outcome Parse(StringValues header, long length, out long first, out long last)
    {
        (first, last) = (0, length - 1);
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || value.Contains(','))
        {
            return Outcome.Whole;
        }

        string[] ends = value[6..].Trim().Split('-');
        if (ends.Length != 2)
        {
            return Outcome.Whole;
        }

        bool hasFirst = long.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out long from);
        bool hasLast = long.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out long to);
        if (!hasFirst)
        {
            // "-N": the last N bytes.
            if (!hasLast || ends[0].Length > 0)
            {
                return Outcome.Whole;
            }

            if (to == 0 || length == 0)
            {
                return Outcome.Unsatisfiable;
            }

            first = Math.Max(0, length - to);
            return Outcome.Part;
        }

        if ((ends[1].Length > 0 && !hasLast) || (hasLast && to < from))
        {
            return Outcome.Whole;
        }

        if (from >= length)
        {
            return Outcome.Unsatisfiable;
        }

        (first, last) = (from, hasLast ? Math.Min(to, length - 1) : length - 1);
        return Outcome.Part;
    }
}
