using Microsoft.Extensions.Primitives;

namespace AppHost.StaticFiles;

/// <summary>The representation of a file a request gets: Brotli, gzip or the file itself (RFC 9110 §12.5.3).</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
}

internal static class ContentCodings
{
    /// <summary>
    /// The best coding the client accepts and the file has: the highest q-value, Brotli before gzip
    /// before the file itself when equal. A coding not named takes the q-value of <c>*</c>, if any.
    /// The file itself is always acceptable (RFC 9110 §12.5.3), but it is preferred over a copy
    /// only when the client names <c>identity</c> with a higher q-value.
    /// </summary>
    public static ContentCoding Choose(StringValues acceptEncoding, EmbeddedFile file)
    {
        double brotli = 0, gzip = 0, identity = 0, any = -1;
        bool brotliNamed = false, gzipNamed = false;
        foreach (string? header in acceptEncoding)
        {
            foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string[] fields = part.Split(';', StringSplitOptions.TrimEntries);
                double q = QValue(fields);
                // Coding names are case-insensitive (RFC 9110 §8.4.1); compared without allocating a lower-case copy.
                string coding = fields[0];
                if (coding.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    (brotli, brotliNamed) = (q, true);
                }
                else if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
                {
                    (gzip, gzipNamed) = (q, true);
                }
                else if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    identity = q;
                }
                else if (coding == "*")
                {
                    any = q;
                }
            }
        }

        if (any >= 0)
        {
            brotli = brotliNamed ? brotli : any;
            gzip = gzipNamed ? gzip : any;
        }

        bool useBrotli = file.BrotliLength > 0 && brotli > 0 && brotli >= identity;
        bool useGzip = file.GzipLength > 0 && gzip > 0 && gzip >= identity;
        return useBrotli && (!useGzip || brotli >= gzip) ? ContentCoding.Brotli
            : useGzip ? ContentCoding.Gzip
            : ContentCoding.Identity;
    }

    // q=1 unless said; a malformed q-value counts as 0, so that coding is not chosen.
    private static double QValue(string[] fields)
    {
        foreach (string field in fields.Skip(1))
        {
            if (field.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
            {
                return double.TryParse(field.AsSpan(2), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double q) && q <= 1 ? q : 0;
            }
        }

        return 1;
    }
}
