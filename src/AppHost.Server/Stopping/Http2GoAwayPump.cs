using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace AppHost.Stopping;

/// <summary>
/// Sits between an HTTP/2 connection's TLS stream and Kestrel, copying frames both ways, so the
/// stop can do what Kestrel does not: put a GOAWAY and a PING between Kestrel's frames, and see
/// the client's acknowledgement of that PING (Kestrel discards PING acknowledgements).
/// </summary>
/// <remarks>
/// RFC 9113 §6.8: a server that stops sends GOAWAY with the largest stream id, so the client opens
/// no more streams, then, "after allowing time for any in-flight stream creation (at least one
/// round-trip time)", a GOAWAY with the real last stream id. The PING is that round trip: the
/// client acknowledges it only after everything it sent before reading the GOAWAY, so once Kestrel
/// has read up to the acknowledgement it has seen every stream the client will ever open here, and
/// <see cref="Acknowledged"/> fires. Kestrel then serves those and sends the second GOAWAY itself
/// (if a stream is still open when it is told, it first repeats GOAWAY(2^31-1), which §6.8 allows).
/// Frames are copied whole or in order; nothing is put inside a frame, and nothing before
/// Kestrel's own SETTINGS frame, which must be first.
/// </remarks>
internal sealed class Http2GoAwayPump : IDuplexPipe, IDisposable
{
    /// <summary>
    /// While Kestrel finishes its last streams it sends its final GOAWAY and closes only when it next
    /// reads a frame (its heartbeat, which would wake it, has stopped). A client need not send one:
    /// it may have nothing more to say, or have stopped reading. So this often, at a frame boundary,
    /// Kestrel is handed a PING acknowledgement, which it discards after running that check. 100 ms
    /// adds at most that much to a stop.
    /// </summary>
    private static readonly TimeSpan WakeInterval = TimeSpan.FromMilliseconds(100);

    // Each side buffers at most 64 KiB beyond what Kestrel's own limits allow (a TLS record is 16 KiB).
    private static readonly PipeOptions Buffering = new(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false);

    private readonly IDuplexPipe _transport;
    private readonly Http2ClientInput _input;
    private readonly Pipe _fromKestrel = new(Buffering);
    private readonly byte[] _pingOpaque = RandomNumberGenerator.GetBytes(Http2Frames.PingPayloadLength);
    private readonly Lock _lock = new();
    private byte[]? _pending; // frames to send at the next frame boundary
    private ITimer? _wake;

    // Output side: bytes of Kestrel's current frame still to copy, and whether its first frame (SETTINGS) is out.
    private long _outputSkip;
    private bool _settingsSent;

    public Http2GoAwayPump(IDuplexPipe transport)
    {
        _transport = transport;
        _input = new Http2ClientInput(transport.Input, Buffering, _pingOpaque);
    }

    /// <summary>Kestrel has read the client's acknowledgement of the first GOAWAY's PING, and so every stream opened before it.</summary>
    public event Action? Acknowledged
    {
        add => _input.Acknowledged += value;
        remove => _input.Acknowledged -= value;
    }

    public PipeReader Input => _input.Kestrel;

    public PipeWriter Output => _fromKestrel.Writer;

    /// <summary>Copies both ways until Kestrel and the client are done.</summary>
    public Task RunAsync() => Task.WhenAll(Task.Run(_input.CopyAsync), Task.Run(PumpOutputAsync));

    /// <summary>Sends GOAWAY(2^31-1) and a PING at the next frame boundary.</summary>
    public void BeginGoAway()
    {
        byte[] frames = new byte[Http2Frames.GoAwayLength + Http2Frames.PingLength];
        Http2Frames.WriteGoAway(frames, Http2Frames.AnyStream);
        Http2Frames.WritePing(frames.AsSpan(Http2Frames.GoAwayLength), _pingOpaque);
        Send(frames);
    }

    /// <summary>Wakes Kestrel every <see cref="WakeInterval"/> until the connection ends, so it sees its last streams end.</summary>
    public void KeepWaking()
    {
        lock (_lock)
        {
            _wake ??= TimeProvider.System.CreateTimer(static s => _ = ((Http2GoAwayPump)s!)._input.WakeKestrelAsync(), this, WakeInterval, WakeInterval);
        }
    }

    /// <summary>After Kestrel is done with the connection: lets the copying end and waits for it.</summary>
    public async Task FinishAsync(Task running)
    {
        Dispose();
        // Kestrel writes nothing more; what it wrote still goes out before the output ends.
        await _fromKestrel.Writer.CompleteAsync();
        _input.Stop();
        await running;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _wake?.Dispose();
        }
    }

    private void Send(byte[] frames)
    {
        lock (_lock)
        {
            _pending = _pending is null ? frames : [.. _pending, .. frames];
        }

        // Wakes the output loop if it waits for Kestrel.
        _fromKestrel.Reader.CancelPendingRead();
    }

    private async Task PumpOutputAsync()
    {
        var from = _fromKestrel.Reader;
        var to = _transport.Output;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await from.ReadAsync();
                var buffer = result.Buffer;
                var end = CopyOutput(buffer, to);
                from.AdvanceTo(end, buffer.End);
                var flushed = await to.FlushAsync();
                if (flushed.IsCompleted || (result.IsCompleted && buffer.Slice(end).IsEmpty))
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        Dispose();
        await from.CompleteAsync(error);
        await to.CompleteAsync(error);
    }

    /// <summary>Copies Kestrel's frames out, putting pending frames at the first boundary after its SETTINGS.</summary>
    private SequencePosition CopyOutput(ReadOnlySequence<byte> buffer, PipeWriter to)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_outputSkip > 0)
            {
                long take = Math.Min(_outputSkip, reader.Remaining);
                foreach (var segment in reader.UnreadSequence.Slice(0, take))
                {
                    to.Write(segment.Span);
                }

                reader.Advance(take);
                _outputSkip -= take;
                if (_outputSkip > 0)
                {
                    return reader.Position;
                }

                _settingsSent = true; // a whole frame is out, and Kestrel's first is its SETTINGS
            }

            if (_settingsSent)
            {
                byte[]? pending;
                lock (_lock)
                {
                    pending = _pending;
                    _pending = null;
                }

                if (pending is not null)
                {
                    to.Write(pending);
                }
            }

            if (!Http2Frames.TryPeekHeader(ref reader, out var header))
            {
                return reader.Position;
            }

            _outputSkip = header.FrameLength;
        }
    }
}
