using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using AppHost.Acme.Challenges;

namespace AppHost.Server.Tests.Acme.Challenges;

/// <summary>The ALPN names read from raw ClientHellos, as real .NET clients send them, and from broken ones.</summary>
public sealed class ClientHelloAlpnTests
{
    private static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    [Fact]
    public async Task OfferedNamesAreReadInTheClientsOrder()
    {
        byte[] hello = await CaptureAsync([SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);

        var status = ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out var offered);

        Assert.Equal(ClientHelloStatus.Parsed, status);
        Assert.Equal([SslApplicationProtocol.Http2, SslApplicationProtocol.Http11], offered);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ValidatorsOfferOfAcmeTlsAloneIsRecognised(SslProtocols version)
    {
        byte[] hello = await CaptureAsync([AcmeTls1], version);

        var status = ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out var offered);

        Assert.Equal(ClientHelloStatus.Parsed, status);
        Assert.True(new OfferedAlpn(offered).OnlyAcmeTls);
    }

    [Fact]
    public async Task AcmeTlsAmongOthersIsNotAValidator()
    {
        byte[] hello = await CaptureAsync([SslApplicationProtocol.Http2, AcmeTls1]);

        ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out var offered);

        Assert.Equal([SslApplicationProtocol.Http2, AcmeTls1], offered);
        Assert.False(new OfferedAlpn(offered).OnlyAcmeTls);
    }

    [Fact]
    public async Task ClientWithoutAlpnOffersNothing()
    {
        byte[] hello = await CaptureAsync(null);

        var status = ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out var offered);

        Assert.Equal(ClientHelloStatus.Parsed, status);
        Assert.Empty(offered);
    }

    [Fact]
    public async Task EveryTruncationIsIncomplete()
    {
        byte[] hello = await CaptureAsync([AcmeTls1]);

        for (int length = 0; length < hello.Length; length++)
        {
            Assert.Equal(ClientHelloStatus.Incomplete, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello, 0, length), out _));
        }
    }

    [Fact]
    public async Task RecordSplitOverManyBuffersReadsTheSame()
    {
        byte[] hello = await CaptureAsync([AcmeTls1, SslApplicationProtocol.Http11]);

        var status = ClientHelloAlpn.Read(Segmented(hello, segmentLength: 7), out var offered);

        Assert.Equal(ClientHelloStatus.Parsed, status);
        Assert.Equal([AcmeTls1, SslApplicationProtocol.Http11], offered);
    }

    [Fact]
    public async Task BytesAfterTheRecordAreIgnored()
    {
        byte[] hello = await CaptureAsync([AcmeTls1]);

        var status = ClientHelloAlpn.Read(new ReadOnlySequence<byte>([.. hello, 0x17, 0x03, 0x03]), out var offered);

        Assert.Equal(ClientHelloStatus.Parsed, status);
        Assert.Equal([AcmeTls1], offered);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: example.org\r\n\r\n")]
    [InlineData("\u0016\u0002")] // a handshake record of major version 2
    [InlineData("P")] // the first byte of PRI * HTTP/2.0 already tells
    public void PlainTextIsNotAClientHello(string text)
    {
        Assert.Equal(ClientHelloStatus.NotClientHello, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), out _));
    }

    [Fact]
    public async Task AnotherHandshakeMessageIsNotAClientHello()
    {
        byte[] hello = await CaptureAsync([AcmeTls1]);
        hello[5] = 2; // ServerHello

        Assert.Equal(ClientHelloStatus.NotClientHello, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData((1 << 14) + 1)] // over the 2^14 bytes a record may carry
    public void RecordLengthOutOfRangeIsMalformed(int length)
    {
        byte[] header = [22, 3, 1, (byte)(length >> 8), (byte)length];

        Assert.Equal(ClientHelloStatus.Malformed, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(header), out _));
    }

    [Fact]
    public async Task ClientHelloLongerThanItsRecordIsMalformed()
    {
        byte[] hello = await CaptureAsync([AcmeTls1]);
        // The handshake claims one byte more than the record holds, as if it continued in the next record.
        int length = (hello[6] << 16) | (hello[7] << 8) | hello[8];
        (hello[6], hello[7], hello[8]) = ((byte)((length + 1) >> 16), (byte)((length + 1) >> 8), (byte)(length + 1));

        Assert.Equal(ClientHelloStatus.Malformed, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out _));
    }

    [Fact]
    public async Task AlpnListLongerThanItsExtensionIsMalformed()
    {
        byte[] hello = await CaptureAsync([AcmeTls1]);
        int alpn = FindAlpnExtension(hello);
        // The list length (after type and extension length) claims one byte more than the extension carries.
        int listLength = BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(alpn + 4));
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(alpn + 4), (ushort)(listLength + 1));

        Assert.Equal(ClientHelloStatus.Malformed, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out _));
    }

    [Fact]
    public async Task EmptyProtocolNameIsMalformed()
    {
        byte[] hello = await CaptureAsync([AcmeTls1]);
        int alpn = FindAlpnExtension(hello);
        hello[alpn + 6] = 0; // the first name's length byte; its bytes are then left over in the list

        Assert.Equal(ClientHelloStatus.Malformed, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(hello), out _));
    }

    [Fact]
    public async Task NoCorruptionOfAnyByteThrows()
    {
        byte[] hello = await CaptureAsync([AcmeTls1, SslApplicationProtocol.Http2]);
        var statuses = new HashSet<ClientHelloStatus>();

        for (int i = 0; i < hello.Length; i++)
        {
            foreach (byte value in (byte[])[0x00, 0xFF, (byte)(hello[i] + 1)])
            {
                byte[] corrupt = (byte[])hello.Clone();
                corrupt[i] = value;
                statuses.Add(ClientHelloAlpn.Read(new ReadOnlySequence<byte>(corrupt), out _));
            }
        }

        // Length bytes were hit: some corruptions must have been seen as such, not parsed.
        Assert.Contains(ClientHelloStatus.Malformed, statuses);
        Assert.Contains(ClientHelloStatus.NotClientHello, statuses);
    }

    [Fact]
    public void RandomBytesAfterAClientHelloTypeAreMalformed()
    {
        var random = new Random(8737);
        for (int i = 0; i < 1000; i++)
        {
            byte[] body = new byte[random.Next(1, 300)];
            random.NextBytes(body);
            body[0] = 1; // ClientHello, so the parser goes past the first check
            byte[] record = [22, 3, 1, (byte)(body.Length >> 8), (byte)body.Length, .. body];

            Assert.Equal(ClientHelloStatus.Malformed, ClientHelloAlpn.Read(new ReadOnlySequence<byte>(record), out _));
        }
    }

    /// <summary>The first record a real .NET client sends with these ALPN names, read off a loopback socket.</summary>
    internal static async Task<byte[]> CaptureAsync(List<SslApplicationProtocol>? protocols, SslProtocols version = SslProtocols.None)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();

        var tls = new SslStream(client.GetStream());
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "acme.test",
            ApplicationProtocols = protocols,
            EnabledSslProtocols = version,
        });

        var stream = server.GetStream();
        byte[] header = new byte[5];
        await stream.ReadExactlyAsync(header);
        byte[] record = new byte[5 + BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3))];
        header.CopyTo(record, 0);
        await stream.ReadExactlyAsync(record.AsMemory(5));

        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        await tls.DisposeAsync();
        return record;
    }

    /// <summary>The offset of the ALPN extension (type 16) in a ClientHello record, found by walking its fields.</summary>
    private static int FindAlpnExtension(byte[] hello)
    {
        int at = 5 + 4 + 2 + 32;              // record header, handshake header, version, random
        at += 1 + hello[at];                  // session id
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(at)); // cipher suites
        at += 1 + hello[at];                  // compression methods
        at += 2;                              // extensions' total length
        while (BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(at)) != 16)
        {
            at += 4 + BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(at + 2));
        }

        return at;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentLength, bytes.Length)), 0);
        var last = first;
        for (int at = segmentLength; at < bytes.Length; at += segmentLength)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(segmentLength, bytes.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
