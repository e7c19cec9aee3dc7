using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace AppHost.Listening.ProxyProtocol;

/// <summary>
/// Reads the PROXY protocol header a load balancer sends before anything else on a connection
/// (HAProxy's specification, versions 1 and 2): the client's address and port as the balancer saw them.
/// </summary>
internal static class ProxyHeader
{
    /// <summary>
    /// The longest header read. Version 1 is at most 107 bytes by its specification; version 2 may
    /// carry TLVs (AWS and GCP add an endpoint id of tens of bytes), so 4 KiB is ample, and a
    /// connection that claims more is closed rather than buffered.
    /// </summary>
    public const int MaxLength = 4096;

    // Version 1's longest line, CRLF included ("PROXY TCP6 " and two full IPv6 addresses and ports).
    private const int MaxTextLength = 107;

    private const int BinaryHeaderLength = 16;

    // Version 2's address blocks: two IPv4 addresses and two ports, or two IPv6 addresses and two ports.
    private const int Inet4BlockLength = 12;
    private const int Inet6BlockLength = 36;

    private static ReadOnlySpan<byte> TextSignature => "PROXY "u8;

    private static ReadOnlySpan<byte> BinarySignature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public enum Outcome
    {
        /// <summary>So far a valid beginning: read more.</summary>
        Incomplete,

        /// <summary>Not a PROXY header, or a malformed one: close the connection.</summary>
        Invalid,

        /// <summary>A whole header: <c>consumed</c> bytes of it, and the client's address unless the balancer gave none.</summary>
        Complete,
    }

    /// <param name="input">What the connection has received so far.</param>
    /// <param name="consumed">The header's length, when complete.</param>
    /// <param name="client">The client's address and port; null for the balancer's own connections (LOCAL, UNKNOWN), which keep the balancer's address.</param>
    public static Outcome Read(ReadOnlySequence<byte> input, out int consumed, out IPEndPoint? client)
    {
        consumed = 0;
        client = null;
        int available = (int)Math.Min(input.Length, MaxLength);
        Span<byte> buffer = stackalloc byte[MaxLength];
        input.Slice(0, available).CopyTo(buffer);
        var header = buffer[..available];

        if (StartsLike(header, BinarySignature))
        {
            return header.Length < BinarySignature.Length ? Outcome.Incomplete : ReadBinary(header, out consumed, out client);
        }

        if (StartsLike(header, TextSignature))
        {
            return header.Length < TextSignature.Length ? Outcome.Incomplete : ReadText(header, out consumed, out client);
        }

        return Outcome.Invalid;
    }

    // True when the bytes so far agree with the signature, however few have arrived.
    private static bool StartsLike(ReadOnlySpan<byte> header, ReadOnlySpan<byte> signature) =>
        header.Length > 0 && header[..Math.Min(header.Length, signature.Length)].SequenceEqual(signature[..Math.Min(header.Length, signature.Length)]);

    // "PROXY TCP4 198.51.100.7 203.0.113.1 40000 443\r\n", "PROXY TCP6 ...", or "PROXY UNKNOWN ...\r\n".
    private static Outcome ReadText(ReadOnlySpan<byte> header, out int consumed, out IPEndPoint? client)
    {
        consumed = 0;
        client = null;
        int end = header[..Math.Min(header.Length, MaxTextLength)].IndexOf("\r\n"u8);
        if (end < 0)
        {
            return header.Length < MaxTextLength ? Outcome.Incomplete : Outcome.Invalid;
        }

        consumed = end + 2;
        var line = header[TextSignature.Length..end];
        if (line.StartsWith("UNKNOWN"u8))
        {
            return Outcome.Complete;
        }

        // Exactly: protocol, source, destination, source port, destination port, one space apart.
        string[] parts = Encoding.ASCII.GetString(line).Split(' ');
        if (parts.Length != 5 || parts[0] is not ("TCP4" or "TCP6"))
        {
            return Outcome.Invalid;
        }

        bool inet4 = parts[0] == "TCP4";
        if (!IPAddress.TryParse(parts[1], out var address) || !IPAddress.TryParse(parts[2], out var destination)
            || address.AddressFamily != destination.AddressFamily
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) != inet4
            || !TryParsePort(parts[3], out int port) || !TryParsePort(parts[4], out _))
        {
            return Outcome.Invalid;
        }

        client = new IPEndPoint(address, port);
        return Outcome.Complete;
    }

    // Digits only, no sign or spaces, at most 65535.
    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort;

    // Signature, version and command, family and transport, the length of what follows (big-endian), then addresses and TLVs.
    private static Outcome ReadBinary(ReadOnlySpan<byte> header, out int consumed, out IPEndPoint? client)
    {
        consumed = 0;
        client = null;
        if (header.Length < BinaryHeaderLength)
        {
            return Outcome.Incomplete;
        }

        byte versionAndCommand = header[12];
        byte familyAndTransport = header[13];
        int length = BinaryHeaderLength + BinaryPrimitives.ReadUInt16BigEndian(header[14..16]);
        if (versionAndCommand >> 4 != 2 || length > MaxLength)
        {
            return Outcome.Invalid;
        }

        if (header.Length < length)
        {
            return Outcome.Incomplete;
        }

        consumed = length;
        var block = header[BinaryHeaderLength..length];
        switch (versionAndCommand & 0x0F)
        {
            case 0x0: // LOCAL: the balancer's own connection, such as a health check
                return Outcome.Complete;
            case 0x1: // PROXY
                break;
            default:
                return Outcome.Invalid;
        }

        switch (familyAndTransport)
        {
            case 0x00: // UNSPEC: no address given
                return Outcome.Complete;
            case 0x11 when block.Length >= Inet4BlockLength: // TCP over IPv4
                client = new IPEndPoint(new IPAddress(block[..4]), BinaryPrimitives.ReadUInt16BigEndian(block[8..10]));
                return Outcome.Complete;
            case 0x21 when block.Length >= Inet6BlockLength: // TCP over IPv6
                client = new IPEndPoint(new IPAddress(block[..16]), BinaryPrimitives.ReadUInt16BigEndian(block[32..34]));
                return Outcome.Complete;
            default: // UDP, Unix sockets, or an address block shorter than its family's
                return Outcome.Invalid;
        }
    }
}
