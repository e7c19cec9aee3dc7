using System.Buffers;
using System.IO.Pipelines;

namespace AppHost.Stopping;

/// <summary>
/// The client's half of <see cref="Http2GoAwayPump"/>: copies what the client sends on to Kestrel,
/// finding the frame boundaries as it goes, so that it can tell when Kestrel has read the client's
/// acknowledgement of the stop's PING, and put a frame of its own between the client's to wake Kestrel.
/// </summary>
internal sealed class Http2ClientInput
{
    private readonly PipeReader _client;
    private readonly Pipe _toKestrel;
    private readonly byte[] _pingOpaque;
    // The copying and the wake both write to Kestrel's input, one at a time; never disposed, as it has
    // no wait handle and the copying may still hold it when the connection is disposed.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _kestrelDone;

    // Bytes still to pass before the next frame header (the preface first), bytes passed, and where
    // the acknowledgement of the stop's PING ends (0: not seen).
    private long _skip = Http2Frames.ClientPrefaceLength;
    private long _passed;
    private long _acknowledgementEnd;
    private int _acknowledged;

    // Under the gate: whether the client's first frame (its SETTINGS, which must come first) has begun
    // to pass, whether the last frame passed opened a header block still to be continued, and whether
    // Kestrel's input is complete.
    private bool _clientFrameSeen;
    private bool _inHeaderBlock;
    private bool _ended;

    /// <param name="client">The client's bytes, after TLS.</param>
    /// <param name="buffering">The bound on what waits for Kestrel.</param>
    /// <param name="pingOpaque">The data of the stop's PING, which its acknowledgement echoes.</param>
    public Http2ClientInput(PipeReader client, PipeOptions buffering, byte[] pingOpaque)
    {
        (_client, _toKestrel, _pingOpaque) = (client, new Pipe(buffering), pingOpaque);
        Kestrel = new ConsumptionTrackingReader(_toKestrel.Reader, OnKestrelConsumed);
    }

    /// <summary>Kestrel has read the client's acknowledgement of the stop's PING, and so every stream opened before it.</summary>
    public event Action? Acknowledged;

    /// <summary>What Kestrel reads.</summary>
    public PipeReader Kestrel { get; }

    /// <summary>Copies until the client or Kestrel is done.</summary>
    public async Task CopyAsync()
    {
        var to = _toKestrel.Writer;
        Exception? error = null;
        try
        {
            while (!_kestrelDone)
            {
                var result = await _client.ReadAsync();
                await _gate.WaitAsync();
                try
                {
                    var buffer = result.Buffer;
                    var end = Scan(buffer);
                    var passing = buffer.Slice(0, end);
                    foreach (var segment in passing)
                    {
                        to.Write(segment.Span);
                    }

                    _passed += passing.Length;
                    _client.AdvanceTo(end, buffer.End);
                    var flushed = await to.FlushAsync();
                    if (flushed.IsCompleted || result.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        await _gate.WaitAsync();
        _ended = true;
        _gate.Release();
        await to.CompleteAsync(error);
        await _client.CompleteAsync();
    }

    /// <summary>After Kestrel is done with the connection: ends the copying, which may wait on the client.</summary>
    public void Stop()
    {
        _kestrelDone = true;
        _client.CancelPendingRead();
    }

    /// <summary>
    /// Hands Kestrel a PING acknowledgement, which it discards, but reading it runs its check of whether
    /// the connection can close. Only at a frame boundary of the client's bytes.
    /// </summary>
    public async Task WakeKestrelAsync()
    {
        if (!_gate.Wait(0))
        {
            return; // the client's bytes are passing, and wake Kestrel themselves
        }

        try
        {
            // Never inside a client's frame or header block, and never before its SETTINGS.
            if (_ended || _skip > 0 || !_clientFrameSeen || _inHeaderBlock)
            {
                return;
            }

            Http2Frames.WritePingAcknowledgement(_toKestrel.Writer.GetSpan(Http2Frames.PingLength));
            _toKestrel.Writer.Advance(Http2Frames.PingLength);
            _passed += Http2Frames.PingLength;
            await _toKestrel.Writer.FlushAsync();
        }
        catch (Exception)
        {
            // Kestrel stopped reading (it completed its input, perhaps with an error): nothing is left
            // to wake, and the copying sees the same when it next passes bytes.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Finds frame boundaries in what the client sent and notes where the stop's PING's acknowledgement ends.</summary>
    /// <returns>How far the bytes can be passed on: never part of a frame header, which is read whole.</returns>
    private SequencePosition Scan(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> ping = stackalloc byte[Http2Frames.PingLength];
        while (true)
        {
            if (_skip > 0)
            {
                long take = Math.Min(_skip, reader.Remaining);
                reader.Advance(take);
                _skip -= take;
                if (_skip > 0)
                {
                    return reader.Position;
                }
            }

            if (!Http2Frames.TryPeekHeader(ref reader, out var header))
            {
                return reader.Position;
            }

            _clientFrameSeen = true;
            _inHeaderBlock = header.Type is Http2Frames.HeadersType or Http2Frames.ContinuationType && (header.Flags & Http2Frames.EndHeadersFlag) == 0;
            if (header.Type == Http2Frames.PingType && (header.Flags & Http2Frames.AckFlag) != 0 && header.PayloadLength == Http2Frames.PingPayloadLength)
            {
                if (!reader.TryCopyTo(ping))
                {
                    return reader.Position; // the whole PING is needed to compare its data
                }

                if (ping[Http2Frames.HeaderLength..].SequenceEqual(_pingOpaque))
                {
                    Volatile.Write(ref _acknowledgementEnd, _passed + reader.Consumed + Http2Frames.PingLength);
                }
            }

            _skip = header.FrameLength;
        }
    }

    private void OnKestrelConsumed(long consumedTotal)
    {
        long end = Volatile.Read(ref _acknowledgementEnd);
        if (end > 0 && consumedTotal >= end && Interlocked.Exchange(ref _acknowledged, 1) == 0)
        {
            // Not on Kestrel's reading thread: what listens tells Kestrel to stop, which touches this very reader.
            ThreadPool.UnsafeQueueUserWorkItem(static input => input.Acknowledged?.Invoke(), this, preferLocal: false);
        }
    }
}
