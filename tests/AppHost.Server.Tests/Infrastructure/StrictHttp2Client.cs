using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// HTTP/2 load that never sends a request twice, written on raw frames so that nothing is hidden:
/// each connection keeps <see cref="StreamsPerConnection"/> GETs in flight. A GOAWAY stops new
/// streams on its connection, which closes once its streams are answered; the next connection is
/// opened then, as browsers do. Failures are every request not answered 200 in full: a stream
/// reset, a stream above the GOAWAY's last stream id (the server refused it), a connection closed
/// with streams open, a connection or handshake that failed. (h2load cannot serve here: after a
/// GOAWAY it counts the requests it declines to send on that connection as failed, and opens no new one.)
/// </summary>
public sealed class StrictHttp2Client
{
    public const int StreamsPerConnection = 10;
    private const int Connections = 2;
    private const int MaxWindow = int.MaxValue; // 2^31-1: the client never has to send WINDOW_UPDATE again
    private const int DefaultWindow = 65_535;

    // Frame types and flags of RFC 9113 §6.
    private const byte Data = 0x0, Headers = 0x1, ResetStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    private readonly Func<Task<Socket>> _connect;
    private readonly byte[] _requestBlock;
    private readonly CancellationTokenSource _stop = new(StrictLoad.MaxDuration); // stops by itself at the latest then
    private readonly List<string> _failures = [];
    private readonly List<Task> _loops = [];
    private long _answered;

    /// <summary>True while the client loads the server.</summary>
    public bool Running => _loops.All(l => !l.IsCompleted);

    private StrictHttp2Client(Func<Task<Socket>> connect, string authority, string path)
    {
        _connect = connect;
        _requestBlock = RequestHeaderBlock(authority, path);
        for (int i = 0; i < Connections; i++)
        {
            _loops.Add(Task.Run(ConnectionLoopAsync));
        }
    }

    /// <param name="port">The HTTPS port on 127.0.0.1.</param>
    /// <param name="path">The path every request GETs.</param>
    /// <param name="namespacePid">Connect from inside this process's network namespace (a container's init), or from here.</param>
    public static StrictHttp2Client Start(int port, string path, int? namespacePid = null)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        Func<Task<Socket>> connect = namespacePid is int pid
            ? () => NetworkNamespace.ConnectAsync(pid, endpoint)
            : async () =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint);
                return socket;
            };
        return new StrictHttp2Client(connect, $"127.0.0.1:{port}", path);
    }

    /// <summary>Opens no new stream, waits for the open ones to be answered, and reports.</summary>
    public async Task<StrictLoad.ClientResult> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        lock (_failures)
        {
            string report = _failures.Count == 0 ? "" : $"{_failures.Count} failures, the first: {string.Join("; ", _failures.Take(5))}";
            return new StrictLoad.ClientResult($"HTTP/2, {StreamsPerConnection} streams per connection (raw frames)", Interlocked.Read(ref _answered), _failures.Count, report);
        }
    }

    private async Task ConnectionLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await RunConnectionAsync();
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationFailure)
            {
                // Anything still open on it was counted by RunConnectionAsync; a failed connect or handshake counts once here.
                Fail($"connection: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private async Task RunConnectionAsync()
    {
        using var socket = await _connect();
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                // The test certificate is self-signed; which certificate is served is other tests' business.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new AuthenticationFailure(e.Message);
        }

        var connection = new Connection(this, tls);
        await connection.RunAsync();
    }

    private void Fail(string why)
    {
        lock (_failures)
        {
            _failures.Add(why);
        }
    }

    /// <summary>GET with :method, :scheme and :authority/:path as literals without indexing (RFC 7541 §6.2.2).</summary>
    private static byte[] RequestHeaderBlock(string authority, string path)
    {
        var block = new List<byte> { 0x82, 0x87 }; // :method GET, :scheme https (static table 2 and 7)
        AddLiteral(block, nameIndex: 4, path); // :path
        AddLiteral(block, nameIndex: 1, authority); // :authority
        return [.. block];

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

    private sealed class AuthenticationFailure(string message) : Exception(message);

    /// <summary>One connection: its streams, and the frames read and written on it.</summary>
    private sealed class Connection(StrictHttp2Client client, SslStream tls)
    {
        private readonly SemaphoreSlim _writing = new(1, 1);
        private readonly Dictionary<int, bool> _open = []; // stream id → answered 200 so far
        private readonly Lock _lock = new();
        private int _nextStreamId = 1;
        private int? _goAwayLastStream;

        public async Task RunAsync()
        {
            byte[] start = new byte[Preface.Length + 9 + 12 + 13];
            Preface.CopyTo(start, 0);
            int at = Preface.Length;
            // SETTINGS: no server push; the largest stream window, so flow control never stops a response.
            at += WriteFrameHeader(start.AsSpan(at), 12, Settings, 0, 0);
            BinaryPrimitives.WriteUInt16BigEndian(start.AsSpan(at), 0x2); // ENABLE_PUSH
            BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(at + 2), 0);
            BinaryPrimitives.WriteUInt16BigEndian(start.AsSpan(at + 6), 0x4); // INITIAL_WINDOW_SIZE
            BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(at + 8), MaxWindow);
            at += 12;
            at += WriteFrameHeader(start.AsSpan(at), 4, WindowUpdate, 0, 0);
            BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(at), MaxWindow - DefaultWindow);
            await WriteAsync(start.AsMemory(0, at + 4));

            for (int i = 0; i < StreamsPerConnection; i++)
            {
                await OpenStreamAsync();
            }

            // Once stopped, the streams still open have this long to be answered.
            using var draining = new CancellationTokenSource();
            using var stopping = client._stop.Token.Register(() => draining.CancelAfter(DrainTimeout));
            try
            {
                await ReadFramesAsync(draining.Token);
            }
            catch (OperationCanceledException)
            {
                FailOpen("not answered within the drain timeout");
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException)
            {
                FailOpen($"connection closed ({e.GetType().Name}: {e.Message})");
            }
        }

        private async Task ReadFramesAsync(CancellationToken cancel)
        {
            byte[] header = new byte[9];
            while (true)
            {
                lock (_lock)
                {
                    if (_open.Count == 0 && (_goAwayLastStream is not null || client._stop.IsCancellationRequested))
                    {
                        return; // every stream answered; the connection closes (by the using in the caller)
                    }
                }

                await tls.ReadExactlyAsync(header, cancel);
                int length = (header[0] << 16) | (header[1] << 8) | header[2];
                byte type = header[3];
                byte flags = header[4];
                int stream = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                byte[] payload = new byte[length];
                await tls.ReadExactlyAsync(payload, cancel);

                switch (type)
                {
                    case Settings when (flags & Ack) == 0:
                        byte[] ack = new byte[9];
                        WriteFrameHeader(ack, 0, Settings, Ack, 0);
                        await WriteAsync(ack);
                        break;
                    case Ping when (flags & Ack) == 0:
                        byte[] pong = new byte[9 + 8];
                        WriteFrameHeader(pong, 8, Ping, Ack, 0);
                        payload.CopyTo(pong, 9);
                        await WriteAsync(pong);
                        break;
                    case Headers:
                        lock (_lock)
                        {
                            if (_open.ContainsKey(stream))
                            {
                                _open[stream] = IsStatus200(payload, flags);
                            }
                        }

                        if ((flags & EndStream) != 0)
                        {
                            await CompleteAsync(stream);
                        }

                        break;
                    case Data when (flags & EndStream) != 0:
                        await CompleteAsync(stream);
                        break;
                    case ResetStream:
                        FailStream(stream, $"RST_STREAM error {BinaryPrimitives.ReadUInt32BigEndian(payload)}");
                        break;
                    case GoAway:
                        int last = BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue;
                        lock (_lock)
                        {
                            _goAwayLastStream = last;
                            foreach (int refused in _open.Keys.Where(id => id > last).ToList())
                            {
                                _open.Remove(refused);
                                client.Fail($"stream {refused} refused by GOAWAY(last stream {last})");
                            }
                        }

                        break;
                }
            }
        }

        // Kestrel sends :status first; 200 is entry 8 of the static table (0x88). Dynamic table size updates (001xxxxx) may precede it.
        private static bool IsStatus200(byte[] block, byte flags)
        {
            int at = 0;
            if ((flags & 0x8) != 0)
            {
                at++; // PADDED: pad length byte
            }

            if ((flags & 0x20) != 0)
            {
                at += 5; // PRIORITY
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

        private async Task CompleteAsync(int stream)
        {
            bool ok;
            lock (_lock)
            {
                if (!_open.Remove(stream, out ok))
                {
                    return;
                }
            }

            if (ok)
            {
                Interlocked.Increment(ref client._answered);
            }
            else
            {
                client.Fail($"stream {stream}: a status other than 200");
            }

            await OpenStreamAsync();
        }

        private async Task OpenStreamAsync()
        {
            byte[] frame;
            lock (_lock)
            {
                if (client._stop.IsCancellationRequested || _goAwayLastStream is not null)
                {
                    return;
                }

                int id = _nextStreamId;
                _nextStreamId += 2;
                _open[id] = false;
                frame = new byte[9 + client._requestBlock.Length];
                WriteFrameHeader(frame, client._requestBlock.Length, Headers, EndStream | EndHeaders, id);
                client._requestBlock.CopyTo(frame, 9);
            }

            await WriteAsync(frame);
        }

        private void FailStream(int stream, string why)
        {
            lock (_lock)
            {
                if (_open.Remove(stream))
                {
                    client.Fail($"stream {stream}: {why}");
                }
            }
        }

        private void FailOpen(string why)
        {
            lock (_lock)
            {
                foreach (int stream in _open.Keys)
                {
                    client.Fail($"stream {stream}: {why}");
                }

                _open.Clear();
            }
        }

        private async Task WriteAsync(ReadOnlyMemory<byte> bytes)
        {
            await _writing.WaitAsync();
            try
            {
                await tls.WriteAsync(bytes);
            }
            finally
            {
                _writing.Release();
            }
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
}
