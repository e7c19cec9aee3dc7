using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;

namespace AppHost.Acme.Challenges;

/// <summary>What reading the first bytes of a connection as a TLS ClientHello gave.</summary>
internal enum ClientHelloStatus
{
    /// <summary>A whole ClientHello in one record; the offered ALPN names (possibly none) were read.</summary>
    Parsed,

    /// <summary>So far a plausible record, but not all of it has arrived.</summary>
    Incomplete,

    /// <summary>Not a TLS handshake record starting with a ClientHello (plain HTTP, SSLv2, garbage).</summary>
    NotClientHello,

    /// <summary>A length that does not fit, or a ClientHello split over several records.</summary>
    Malformed,
}

/// <summary>
/// Reads the ALPN names a client offers (RFC 7301) from the raw first TLS record, before the
/// handshake: .NET shows a server the SNI name but not the ALPN list, and TLS-ALPN-01 (RFC 8737)
/// must be told apart by exactly that list. Every length is checked against what remains; anything
/// inconsistent is <see cref="ClientHelloStatus.Malformed"/>, which the caller treats as "not a validator".
/// </summary>
internal static class ClientHelloAlpn
{
    // RFC 8446 §5.1: content type (1), legacy record version (2), length (2).
    private const int RecordHeaderLength = 5;

    // RFC 8446 §5.1: a record's fragment "MUST NOT exceed 2^14 bytes".
    private const int MaxFragmentLength = 1 << 14;

    /// <summary>The most bytes <see cref="Read"/> ever needs: one record header and the largest fragment.</summary>
    public const int MaxRecordLength = RecordHeaderLength + MaxFragmentLength;

    private const byte HandshakeContentType = 22;
    private const byte ClientHelloMessageType = 1;

    // Every TLS and SSLv3 record version has major byte 3; an SSLv2 hello or plain HTTP does not.
    private const byte RecordMajorVersion = 3;

    // RFC 8446 §4.1.2: legacy_version (2) and random (32) open the ClientHello.
    private const int VersionAndRandomLength = 2 + 32;

    // RFC 8446 §4.1.2: legacy_session_id<0..32>.
    private const int MaxSessionIdLength = 32;

    private const ushort AlpnExtensionType = 16;

    /// <summary>Reads the first record of a connection.</summary>
    /// <param name="input">The bytes received so far; only the first record is looked at.</param>
    /// <param name="offered">The offered names in the client's order when <see cref="ClientHelloStatus.Parsed"/>; empty otherwise and when the client sent no ALPN.</param>
    /// <returns>What the bytes are.</returns>
    public static ClientHelloStatus Read(ReadOnlySequence<byte> input, out IReadOnlyList<SslApplicationProtocol> offered)
    {
        offered = [];
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        var available = header[..(int)Math.Min(input.Length, RecordHeaderLength)];
        input.Slice(0, available.Length).CopyTo(available);
        if ((available.Length > 0 && available[0] != HandshakeContentType) || (available.Length > 1 && available[1] != RecordMajorVersion))
        {
            return ClientHelloStatus.NotClientHello;
        }

        if (available.Length < RecordHeaderLength)
        {
            return ClientHelloStatus.Incomplete;
        }

        int fragmentLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (fragmentLength is 0 or > MaxFragmentLength)
        {
            return ClientHelloStatus.Malformed;
        }

        if (input.Length < RecordHeaderLength + fragmentLength)
        {
            return ClientHelloStatus.Incomplete;
        }

        var fragment = input.Slice(RecordHeaderLength, fragmentLength);
        return ReadHandshake(fragment.IsSingleSegment ? fragment.FirstSpan : fragment.ToArray(), out offered);
    }

    /// <summary>Reads a handshake record's fragment, which must hold one whole ClientHello and nothing else.</summary>
    private static ClientHelloStatus ReadHandshake(ReadOnlySpan<byte> fragment, out IReadOnlyList<SslApplicationProtocol> offered)
    {
        offered = [];
        var reader = new TlsReader(fragment);
        if (!reader.TryByte(out byte type))
        {
            return ClientHelloStatus.Malformed;
        }

        if (type != ClientHelloMessageType)
        {
            return ClientHelloStatus.NotClientHello;
        }

        // A ClientHello longer than its record continues in the next one: legal, but ACME validators
        // (Go's crypto/tls) never send that, so it is not treated as one.
        if (!reader.TryUInt24(out int length) || length != reader.Remaining)
        {
            return ClientHelloStatus.Malformed;
        }

        if (!reader.TrySkip(VersionAndRandomLength)
            || !reader.TryByte(out byte sessionIdLength) || sessionIdLength > MaxSessionIdLength || !reader.TrySkip(sessionIdLength)
            || !reader.TryUInt16(out int cipherSuitesLength) || cipherSuitesLength == 0 || cipherSuitesLength % 2 != 0 || !reader.TrySkip(cipherSuitesLength)
            || !reader.TryByte(out byte compressionLength) || compressionLength == 0 || !reader.TrySkip(compressionLength))
        {
            return ClientHelloStatus.Malformed;
        }

        // Extensions may be absent altogether before TLS 1.3 (RFC 5246 §7.4.1.2): then no ALPN.
        if (reader.Remaining == 0)
        {
            return ClientHelloStatus.Parsed;
        }

        if (!reader.TryUInt16(out int extensionsLength) || extensionsLength != reader.Remaining)
        {
            return ClientHelloStatus.Malformed;
        }

        bool seenAlpn = false;
        while (reader.Remaining > 0)
        {
            if (!reader.TryUInt16(out int extensionType) || !reader.TryUInt16(out int dataLength) || !reader.TryBytes(dataLength, out var data))
            {
                return ClientHelloStatus.Malformed;
            }

            if (extensionType == AlpnExtensionType)
            {
                // RFC 8446 §4.2: an extension type appears at most once.
                if (seenAlpn || ReadProtocolNames(data) is not { } names)
                {
                    return ClientHelloStatus.Malformed;
                }

                seenAlpn = true;
                offered = names;
            }
        }

        return ClientHelloStatus.Parsed;
    }

    /// <summary>RFC 7301 §3.1: ProtocolNameList protocol_name_list&lt;2..2^16-1&gt;, each ProtocolName&lt;1..2^8-1&gt;.</summary>
    /// <returns>The names, or null when the list is malformed.</returns>
    private static List<SslApplicationProtocol>? ReadProtocolNames(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data);
        if (!reader.TryUInt16(out int listLength) || listLength == 0 || listLength != reader.Remaining)
        {
            return null;
        }

        var names = new List<SslApplicationProtocol>();
        while (reader.Remaining > 0)
        {
            // Empty names "MUST NOT be included" (RFC 7301 §3.1).
            if (!reader.TryByte(out byte nameLength) || nameLength == 0 || !reader.TryBytes(nameLength, out var name))
            {
                return null;
            }

            names.Add(new SslApplicationProtocol(name.ToArray()));
        }

        return names;
    }

    /// <summary>Big-endian fields read off the front of a span, each refused when fewer bytes remain than it needs.</summary>
    private ref struct TlsReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly int Remaining => _rest.Length;

        public bool TryByte(out byte value)
        {
            bool ok = TryBytes(1, out var bytes);
            value = ok ? bytes[0] : default;
            return ok;
        }

        public bool TryUInt16(out int value)
        {
            bool ok = TryBytes(2, out var bytes);
            value = ok ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : 0;
            return ok;
        }

        public bool TryUInt24(out int value)
        {
            bool ok = TryBytes(3, out var bytes);
            value = ok ? (bytes[0] << 16) | (bytes[1] << 8) | bytes[2] : 0;
            return ok;
        }

        public bool TrySkip(int length) => TryBytes(length, out _);

        public bool TryBytes(int length, out ReadOnlySpan<byte> bytes)
        {
            if (length > _rest.Length)
            {
                bytes = default;
                return false;
            }

            bytes = _rest[..length];
            _rest = _rest[length..];
            return true;
        }
    }
}
