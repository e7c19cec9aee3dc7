using System.Buffers;
using System.Buffers.Binary;

namespace AppHost.Stopping;

/// <summary>The few pieces of HTTP/2 framing (RFC 9113 §4.1) the graceful stop reads and writes.</summary>
internal static class Http2Frames
{
    /// <summary>Every frame starts with 9 bytes: 24-bit payload length, type, flags, 31-bit stream id.</summary>
    public const int HeaderLength = 9;

    /// <summary>The client's connection preface, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", precedes its first frame.</summary>
    public const int ClientPrefaceLength = 24;

    /// <summary>A PING carries 8 bytes of opaque data, echoed in its acknowledgement.</summary>
    public const int PingPayloadLength = 8;

    public const byte HeadersType = 0x1;
    public const byte PingType = 0x6;
    public const byte GoAwayType = 0x7;
    public const byte ContinuationType = 0x9;
    public const byte AckFlag = 0x1;

    /// <summary>On HEADERS and CONTINUATION: the header block ends here; until it does, no other frame may come between (§6.10).</summary>
    public const byte EndHeadersFlag = 0x4;

    /// <summary>GOAWAY's "last stream id" when no stream is refused yet: the largest a stream id can be (2^31-1).</summary>
    public const int AnyStream = int.MaxValue;

    private const int NoError = 0;

    public readonly record struct FrameHeader(int PayloadLength, byte Type, byte Flags)
    {
        public int FrameLength => HeaderLength + PayloadLength;
    }

    /// <summary>Reads the header at the reader's position without moving it; false when fewer than 9 bytes are there.</summary>
    public static bool TryPeekHeader(ref SequenceReader<byte> reader, out FrameHeader header)
    {
        Span<byte> bytes = stackalloc byte[HeaderLength];
        if (!reader.TryCopyTo(bytes))
        {
            header = default;
            return false;
        }

        header = new FrameHeader((bytes[0] << 16) | (bytes[1] << 8) | bytes[2], bytes[3], bytes[4]);
        return true;
    }

    /// <summary>GOAWAY with NO_ERROR: "I will process no stream above <paramref name="lastStreamId"/>".</summary>
    public static void WriteGoAway(Span<byte> destination, int lastStreamId)
    {
        const int payload = 8; // last stream id, error code
        WriteHeader(destination, payload, GoAwayType, flags: 0);
        BinaryPrimitives.WriteInt32BigEndian(destination[HeaderLength..], lastStreamId);
        BinaryPrimitives.WriteInt32BigEndian(destination[(HeaderLength + 4)..], NoError);
    }

    /// <summary>A PING (not an acknowledgement) with the given opaque data.</summary>
    public static void WritePing(Span<byte> destination, ReadOnlySpan<byte> opaque)
    {
        WriteHeader(destination, PingPayloadLength, PingType, flags: 0);
        opaque.CopyTo(destination[HeaderLength..]);
    }

    /// <summary>A PING acknowledgement with zero data.</summary>
    public static void WritePingAcknowledgement(Span<byte> destination)
    {
        WriteHeader(destination, PingPayloadLength, PingType, AckFlag);
        destination.Slice(HeaderLength, PingPayloadLength).Clear();
    }

    public static int GoAwayLength => HeaderLength + 8;

    public static int PingLength => HeaderLength + PingPayloadLength;

    private static void WriteHeader(Span<byte> destination, int payloadLength, byte type, byte flags)
    {
        destination[0] = (byte)(payloadLength >> 16);
        destination[1] = (byte)(payloadLength >> 8);
        destination[2] = (byte)payloadLength;
        destination[3] = type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], 0); // stream 0: the connection itself
    }
}
