using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AppHost.Listening.Forwarding;

/// <summary>One X-Forwarded-For entry as balancers write it: an address, with a port or without.</summary>
internal static class ForwardedAddress
{
    /// <summary>
    /// Reads <c>198.51.100.7</c>, <c>198.51.100.7:40000</c>, <c>2001:db8::7</c>, <c>[2001:db8::7]</c>
    /// and <c>[2001:db8::7]:40000</c>. <paramref name="port"/> is 0 when the entry names none, as
    /// nginx's and HAProxy's entries do: the balancer's own port would name a connection that is
    /// not the client's. Anything else (<c>unknown</c>, a host name, an obfuscated identifier) is not
    /// an address.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> entry, [NotNullWhen(true)] out IPAddress? address, out int port)
    {
        address = null;
        port = 0;
        if (entry.StartsWith('['))
        {
            // IPv6 in brackets, so that a port can follow it.
            int close = entry.IndexOf(']');
            return close > 0
                && (close == entry.Length - 1 || (entry[close + 1] == ':' && TryParsePort(entry[(close + 2)..], out port)))
                && IPAddress.TryParse(entry[1..close], out address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        int colon = entry.IndexOf(':');
        if (colon >= 0 && entry.LastIndexOf(':') != colon)
        {
            // Two colons or more: IPv6 without brackets, which cannot carry a port.
            return IPAddress.TryParse(entry, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPv4, with a port after one colon or without.
        var host = colon < 0 ? entry : entry[..colon];
        return (colon < 0 || TryParsePort(entry[(colon + 1)..], out port))
            && IsDottedDecimal(host)
            && IPAddress.TryParse(host, out address);
    }

    // Four decimal numbers of one to three digits, no leading zero: IPAddress.TryParse also takes the
    // old inet_aton forms, where "1" is 0.0.0.1 and "010.0.0.1" is octal for 8.0.0.1, which no
    // balancer writes and which would otherwise name a client nobody meant. One pass, by hand: this
    // runs for every entry of every request.
    private static bool IsDottedDecimal(ReadOnlySpan<char> host)
    {
        int dots = 0;
        int digits = 0; // in the current number
        bool leadingZero = false;
        foreach (char c in host)
        {
            if (c == '.')
            {
                if (digits == 0 || ++dots > 3)
                {
                    return false;
                }

                digits = 0;
            }
            else if (!char.IsAsciiDigit(c) || digits == 3 || (digits == 1 && leadingZero))
            {
                return false;
            }
            else
            {
                leadingZero = digits == 0 && c == '0';
                digits++;
            }
        }

        return dots == 3 && digits > 0;
    }

    // 0 to 65535 in decimal digits only (no sign, no spaces).
    private static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        bool parsed = ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort value);
        port = value;
        return parsed;
    }
}
