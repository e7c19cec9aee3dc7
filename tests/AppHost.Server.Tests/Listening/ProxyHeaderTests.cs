using System.Buffers;
using System.Net;
using System.Text;
using AppHost.Listening.ProxyProtocol;

namespace AppHost.Server.Tests.Listening;

/// <summary>The PROXY protocol header, versions 1 and 2, read byte for byte as a balancer sends it, whole, in parts, and malformed.</summary>
public sealed class ProxyHeaderTests
{
    [Theory]
    [InlineData("PROXY TCP4 198.51.100.7 203.0.113.1 40000 443\r\n", "198.51.100.7", 40000)]
    [InlineData("PROXY TCP6 2001:db8::7 2001:db8::1 40000 443\r\n", "2001:db8::7", 40000)]
    [InlineData("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535)]
    public void TextHeaderGivesTheClient(string header, string address, int port)
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes(header), .. "\x16\x03\x01"u8];

        var outcome = ProxyHeader.Read(new ReadOnlySequence<byte>(bytes), out int consumed, out var client);

        Assert.Equal((ProxyHeader.Outcome.Complete, header.Length), (outcome, consumed));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), client);
    }

    [Fact]
    public void TextUnknownKeepsTheBalancersAddress()
    {
        var outcome = ProxyHeader.Read(new ReadOnlySequence<byte>("PROXY UNKNOWN\r\nGET"u8.ToArray()), out int consumed, out var client);

        Assert.Equal((ProxyHeader.Outcome.Complete, 15, (IPEndPoint?)null), (outcome, consumed, client));
    }

    [Fact]
    public void BinaryHeaderOverIPv4GivesTheClientAndSkipsItsTlvs()
    {
        // A TLV of type 0xEA (AWS's endpoint id) with 5 bytes of value: skipped.
        byte[] header = Binary(0x21, 0x11, [198, 51, 100, 7, 203, 0, 113, 1, 0x9C, 0x40, 0x01, 0xBB, 0xEA, 0x00, 0x05, 1, 2, 3, 4, 5]);

        var outcome = ProxyHeader.Read(new ReadOnlySequence<byte>([.. header, 0x16]), out int consumed, out var client);

        Assert.Equal((ProxyHeader.Outcome.Complete, header.Length), (outcome, consumed));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40000), client);
    }

    [Fact]
    public void BinaryHeaderOverIPv6GivesTheClient()
    {
        byte[] source = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        byte[] destination = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        byte[] header = Binary(0x21, 0x21, [.. source, .. destination, 0x9C, 0x40, 0x01, 0xBB]);

        var outcome = ProxyHeader.Read(new ReadOnlySequence<byte>(header), out int consumed, out var client);

        Assert.Equal((ProxyHeader.Outcome.Complete, header.Length), (outcome, consumed));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 40000), client);
    }

    [Theory]
    [InlineData(0x20, 0x00)] // LOCAL: the balancer's own health check
    [InlineData(0x21, 0x00)] // PROXY with no address (UNSPEC)
    public void BinaryHeaderWithoutAnAddressKeepsTheBalancers(byte versionAndCommand, byte family)
    {
        byte[] header = Binary(versionAndCommand, family, []);

        var outcome = ProxyHeader.Read(new ReadOnlySequence<byte>(header), out int consumed, out var client);

        Assert.Equal((ProxyHeader.Outcome.Complete, 16, (IPEndPoint?)null), (outcome, consumed, client));
    }

    [Fact]
    public void EveryBeginningOfAHeaderAsksForMore()
    {
        byte[] text = "PROXY TCP4 198.51.100.7 203.0.113.1 40000 443\r\n"u8.ToArray();
        byte[] binary = Binary(0x21, 0x11, [198, 51, 100, 7, 203, 0, 113, 1, 0x9C, 0x40, 0x01, 0xBB]);

        foreach (byte[] header in (byte[][])[text, binary])
        {
            for (int length = 1; length < header.Length; length++)
            {
                Assert.Equal(ProxyHeader.Outcome.Incomplete, ProxyHeader.Read(new ReadOnlySequence<byte>(header, 0, length), out _, out _));
            }
        }
    }

    [Fact]
    public void HeaderSplitAcrossSegmentsIsRead()
    {
        byte[] header = "PROXY TCP4 198.51.100.7 203.0.113.1 40000 443\r\n"u8.ToArray();
        var first = new Segment(header.AsMemory(0, 9));
        var last = first.Append(header.AsMemory(9));

        var outcome = ProxyHeader.Read(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), out int consumed, out var client);

        Assert.Equal((ProxyHeader.Outcome.Complete, header.Length), (outcome, consumed));
        Assert.Equal(40000, client!.Port);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "an HTTP request", "GET / HTTP/1.1\r\n"u8.ToArray() },
        { "a TLS ClientHello", [0x16, 0x03, 0x01, 0x02, 0x00] },
        { "a text header with no end in 107 bytes", Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 120)) },
        { "TCP4 with IPv6 addresses", "PROXY TCP4 2001:db8::7 2001:db8::1 40000 443\r\n"u8.ToArray() },
        { "mixed families", "PROXY TCP6 2001:db8::7 203.0.113.1 40000 443\r\n"u8.ToArray() },
        { "a port past 65535", "PROXY TCP4 198.51.100.7 203.0.113.1 70000 443\r\n"u8.ToArray() },
        { "a signed port", "PROXY TCP4 198.51.100.7 203.0.113.1 +4000 443\r\n"u8.ToArray() },
        { "two spaces", "PROXY TCP4  198.51.100.7 203.0.113.1 40000 443\r\n"u8.ToArray() },
        { "a sixth field", "PROXY TCP4 198.51.100.7 203.0.113.1 40000 443 x\r\n"u8.ToArray() },
        { "an unknown protocol", "PROXY UDP4 198.51.100.7 203.0.113.1 40000 443\r\n"u8.ToArray() },
        { "not an address", "PROXY TCP4 example.com 203.0.113.1 40000 443\r\n"u8.ToArray() },
        { "binary version 1", Binary(0x11, 0x11, [198, 51, 100, 7, 203, 0, 113, 1, 0x9C, 0x40, 0x01, 0xBB]) },
        { "binary command 2", Binary(0x22, 0x11, [198, 51, 100, 7, 203, 0, 113, 1, 0x9C, 0x40, 0x01, 0xBB]) },
        { "an IPv4 block too short", Binary(0x21, 0x11, [198, 51, 100, 7, 203, 0, 113, 1]) },
        { "an IPv6 block too short", Binary(0x21, 0x21, new byte[20]) },
        { "UDP over IPv4", Binary(0x21, 0x12, [198, 51, 100, 7, 203, 0, 113, 1, 0x9C, 0x40, 0x01, 0xBB]) },
        { "a Unix socket", Binary(0x21, 0x31, new byte[216]) },
        { "a length past the bound", [.. Binary(0x21, 0x11, []).AsSpan(0, 14), 0xFF, 0xFF] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedHeaderIsRefused(string what, byte[] bytes)
    {
        Assert.True(ProxyHeader.Read(new ReadOnlySequence<byte>(bytes), out _, out _) == ProxyHeader.Outcome.Invalid, what);
    }

    // Signature, version and command, family, length, then the block.
    private static byte[] Binary(byte versionAndCommand, byte family, byte[] block) =>
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, versionAndCommand, family, (byte)(block.Length >> 8), (byte)block.Length, .. block];

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
