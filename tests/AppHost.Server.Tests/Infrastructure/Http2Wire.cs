using System.Buffers.Binary;
using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>Just enough HTTP/2 (RFC 9113) on raw frames for clients that must hide nothing: no retry, no library between the test and the wire.</summary>
public static class Http2Wire
{
    // Frame types and flags of RFC 9113 §6.
    public const byte Data = 0x0, Headers = 0x1, ResetStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8;
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, Priority = 0x20;

    private const int MaxWindow = int.MaxValue; // 2^31-1: the client never has to send WINDOW_UPDATE
    private const int DefaultWindow = 65_535;

    public readonly record struct Frame(byte Type, byte Flags, int Stream, byte[] Payload);

    /// <summary>
    /// The client's preface, SETTINGS (no server push, the largest stream window) and a
    /// WINDOW_UPDATE to the largest connection window, so flow control never holds back a response.
    /// </summary>
    public static byte[] ConnectionStart()
    {
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
        byte[] start = new byte[preface.Length + 9 + 12 + 9 + 4];
        preface.CopyTo(start, 0);
        int at = preface.Length;
        at += WriteFrameHeader(start.AsSpan(at), 12, Settings, 0, 0);
        BinaryPrimitives.WriteUInt16BigEndian(start.AsSpan(at), 0x2); // ENABLE_PUSH
        BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(at + 2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(start.AsSpan(at + 6), 0x4); // INITIAL_WINDOW_SIZE
        BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(at + 8), MaxWindow);
        at += 12;
        at += WriteFrameHeader(start.AsSpan(at), 4, WindowUpdate, 0, 0);
        BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(at), MaxWindow - DefaultWindow);
        return start;
    }

    /// <summary>A HEADERS frame that GETs the path: :method and :scheme indexed, :path and :authority literals without indexing (RFC 7541).</summary>
    public static byte[] Get(int stream, string authority, string path)
    {
        var block = new List<byte> { 0x82, 0x87 }; // :method GET, :scheme https (static table 2 and 7)
        AddLiteral(block, nameIndex: 4, path);
        AddLiteral(block, nameIndex: 1, authority);
        byte[] frame = new byte[9 + block.Count];
        WriteFrameHeader(frame, block.Count, Headers, EndStream | EndHeaders, stream);
        block.CopyTo(frame, 9);
        return frame;

        static void AddLiteral(List<byte> block, byte nameIndex, string value)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(value);
            if (bytes.Length >= 127)
            {
                throw new ArgumentException("header values here are short", nameof(value));
            }

            block.Add(nameIndex);
            block.Add((byte)bytes.Length);
            block.AddRange(bytes);
        }
    }

    public static byte[] SettingsAck() => Control(Settings, Ack, []);

    public static byte[] PingAck(byte[] opaque) => Control(Ping, Ack, opaque);

    /// <summary>The next frame of the type, answering the server's SETTINGS and PINGs meanwhile as a client must.</summary>
    public static async Task<Frame> NextAsync(Stream connection, byte type, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var frame = await ReadFrameAsync(connection, deadline.Token);
            if (frame.Type == type)
            {
                return frame;
            }

            if (frame.Type == Settings && (frame.Flags & Ack) == 0)
            {
                await connection.WriteAsync(SettingsAck(), deadline.Token);
            }
            else if (frame.Type == Ping && (frame.Flags & Ack) == 0)
            {
                await connection.WriteAsync(PingAck(frame.Payload), deadline.Token);
            }
        }
    }

    public static async Task<Frame> ReadFrameAsync(Stream stream, CancellationToken cancel = default)
    {
        byte[] header = new byte[9];
        await stream.ReadExactlyAsync(header, cancel);
        int length = (header[0] << 16) | (header[1] << 8) | header[2];
        byte[] payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancel);
        return new Frame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue, payload);
    }

    /// <summary>GOAWAY's last stream id.</summary>
    public static int LastStream(Frame goAway) => BinaryPrimitives.ReadInt32BigEndian(goAway.Payload) & int.MaxValue;

    /// <summary>
    /// Whether a response HEADERS frame says 200. Kestrel sends :status first, and 200 is entry 8 of
    /// the static table (0x88); dynamic table size updates (001xxxxx) may precede it.
    /// </summary>
    public static bool IsStatus200(Frame headers)
    {
        byte[] block = headers.Payload;
        int at = (headers.Flags & Padded) != 0 ? 1 : 0;
        if ((headers.Flags & Priority) != 0)
        {
            at += 5;
        }

        while (at < block.Length && (block[at] & 0xE0) == 0x20)
        {
            bool continued = (block[at] & 0x1F) == 0x1F; // a 5-bit prefix integer, continued in 7-bit groups
            at++;
            if (continued)
            {
                while (at < block.Length && (block[at] & 0x80) != 0)
                {
                    at++;
                }

                at++;
            }
        }

        return at < block.Length && block[at] == 0x88;
    }

    private static byte[] Control(byte type, byte flags, byte[] payload)
    {
        byte[] frame = new byte[9 + payload.Length];
        WriteFrameHeader(frame, payload.Length, type, flags, 0);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static int WriteFrameHeader(Span<byte> destination, int length, byte type, byte flags, int stream)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], stream);
        return 9;
    }
}
