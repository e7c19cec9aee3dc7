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
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    private readonly Func<Task<Socket>> _connect;
    private readonly string _authority;
    private readonly string _path;
    private readonly CancellationTokenSource _stop = new(StrictLoad.MaxDuration); // stops by itself at the latest then
    private readonly List<string> _failures = [];
    private readonly List<Task> _loops = [];
    private long _answered;

    /// <summary>True while the client loads the server.</summary>
    public bool Running => _loops.All(l => !l.IsCompleted);

    private StrictHttp2Client(Func<Task<Socket>> connect, string authority, string path)
    {
        _connect = connect;
        _authority = authority;
        _path = path;
        for (int i = 0; i < Connections; i++)
        {
            _loops.Add(Task.Run(ConnectionLoopAsync));
        }
    }

    /// <param name="port">The HTTPS port on 127.0.0.1, or on <paramref name="address"/>.</param>
    /// <param name="path">The path every request GETs.</param>
    /// <param name="namespacePid">Connect from inside this process's network namespace (a container's init), or from here.</param>
    /// <param name="address">The server's address; loopback unless said.</param>
    public static StrictHttp2Client Start(int port, string path, int? namespacePid = null, IPAddress? address = null)
    {
        var endpoint = new IPEndPoint(address ?? IPAddress.Loopback, port);
        Func<Task<Socket>> connect = namespacePid is int pid
            ? () => NetworkNamespace.ConnectAsync(pid, endpoint)
            : async () =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint);
                return socket;
            };
        return new StrictHttp2Client(connect, endpoint.ToString(), path);
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
            await WriteAsync(Http2Wire.ConnectionStart());

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
            while (true)
            {
                lock (_lock)
                {
                    if (_open.Count == 0 && (_goAwayLastStream is not null || client._stop.IsCancellationRequested))
                    {
                        return; // every stream answered; the connection closes (by the using in the caller)
                    }
                }

                var frame = await Http2Wire.ReadFrameAsync(tls, cancel);
                int stream = frame.Stream;
                byte[] payload = frame.Payload;
                byte flags = frame.Flags;
                switch (frame.Type)
                {
                    case Http2Wire.Settings when (flags & Http2Wire.Ack) == 0:
                        await WriteAsync(Http2Wire.SettingsAck());
                        break;
                    case Http2Wire.Ping when (flags & Http2Wire.Ack) == 0:
                        await WriteAsync(Http2Wire.PingAck(payload));
                        break;
                    case Http2Wire.Headers:
                        lock (_lock)
                        {
                            if (_open.ContainsKey(stream))
                            {
                                _open[stream] = Http2Wire.IsStatus200(frame);
                            }
                        }

                        if ((flags & Http2Wire.EndStream) != 0)
                        {
                            await CompleteAsync(stream);
                        }

                        break;
                    case Http2Wire.Data when (flags & Http2Wire.EndStream) != 0:
                        await CompleteAsync(stream);
                        break;
                    case Http2Wire.ResetStream:
                        FailStream(stream, $"RST_STREAM error {BinaryPrimitives.ReadUInt32BigEndian(payload)}");
                        break;
                    case Http2Wire.GoAway:
                        int last = Http2Wire.LastStream(frame);
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
                frame = Http2Wire.Get(id, client._authority, client._path);
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
    }
}
