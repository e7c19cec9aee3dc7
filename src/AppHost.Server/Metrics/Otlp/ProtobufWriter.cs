using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AppHost.Metrics.Otlp;

/// <summary>
/// Writes protocol buffers' wire format (varints, fixed64, length-delimited fields) into a buffer it
/// owns and reuses, for OTLP's few message types: a hand-written encoder of a few wire types rather
/// than a protobuf library and its generated code in every native file.
/// </summary>
/// <remarks>
/// Not pooled: an HTTP send that is cancelled may still be reading a buffer after the call has
/// returned, and a pooled one would by then be another component's. This one is the push's alone.
/// </remarks>
internal sealed class ProtobufWriter
{
    // The most bytes a nested message's length takes as a varint (lengths below 2^35, so any int),
    // reserved before its fields are written and closed up once the length is known.
    private const int LengthRoom = 5;

    // A push of the sample's few hundred series is 5-10 KB; the buffer doubles from here as needed.
    private const int FirstSize = 16 * 1024;

    private byte[] _buffer = new byte[FirstSize];
    private int _length;

    /// <summary>The message written since the last <see cref="Reset"/>.</summary>
    public ArraySegment<byte> Written => new(_buffer, 0, _length);

    /// <summary>Starts a new message in the same buffer.</summary>
    public void Reset() => _length = 0;

    /// <summary>Starts a nested message in <paramref name="field"/>; end it with <see cref="EndMessage"/>.</summary>
    /// <returns>Where the message began, for <see cref="EndMessage"/>.</returns>
    public int BeginMessage(int field)
    {
        Tag(field, WireType.LengthDelimited);
        Reserve(LengthRoom);
        int start = _length;
        _length += LengthRoom;
        return start;
    }

    /// <summary>Writes the length of the message begun at <paramref name="start"/> and closes up the room left for it.</summary>
    public void EndMessage(int start)
    {
        int bodyStart = start + LengthRoom;
        int bodyLength = _length - bodyStart;
        int lengthBytes = WriteVarint(_buffer.AsSpan(start), (ulong)bodyLength);
        _buffer.AsSpan(bodyStart, bodyLength).CopyTo(_buffer.AsSpan(start + lengthBytes));
        _length -= LengthRoom - lengthBytes;
    }

    public void String(int field, string text)
    {
        Tag(field, WireType.LengthDelimited);
        int bytes = Encoding.UTF8.GetByteCount(text);
        Varint((ulong)bytes);
        Reserve(bytes);
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    public void UInt64(int field, ulong value)
    {
        Tag(field, WireType.Varint);
        Varint(value);
    }

    /// <summary>An int64 field: negative numbers take ten bytes, as protobuf's int64 (not sint64) has them.</summary>
    public void Int64(int field, long value) => UInt64(field, (ulong)value);

    public void Bool(int field, bool value) => UInt64(field, value ? 1u : 0u);

    public void Fixed64(int field, ulong value)
    {
        Tag(field, WireType.Fixed64);
        Reserve(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void Double(int field, double value) => Fixed64(field, BitConverter.DoubleToUInt64Bits(value));

    /// <summary>A packed repeated fixed64 field (protobuf 3's encoding of repeated scalars).</summary>
    public void PackedFixed64(int field, ReadOnlySpan<ulong> values)
    {
        Tag(field, WireType.LengthDelimited);
        Varint((ulong)(values.Length * 8));
        Reserve(values.Length * 8);
        foreach (ulong value in values)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
            _length += 8;
        }
    }

    /// <summary>A packed repeated double field: the same eight little-endian bytes per value as fixed64.</summary>
    public void PackedDouble(int field, ReadOnlySpan<double> values) => PackedFixed64(field, MemoryMarshal.Cast<double, ulong>(values));

    private void Tag(int field, WireType type) => Varint(((ulong)field << 3) | (ulong)type);

    private void Varint(ulong value)
    {
        // A varint is at most ten bytes.
        Reserve(10);
        _length += WriteVarint(_buffer.AsSpan(_length), value);
    }

    private static int WriteVarint(Span<byte> into, ulong value)
    {
        int written = 0;
        while (value >= 0x80)
        {
            into[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        into[written++] = (byte)value;
        return written;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }

    private enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        LengthDelimited = 2,
    }
}
