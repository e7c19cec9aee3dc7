using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AppHost.Responses;

/// <summary>
/// A response body that holds what the app writes, up to a bound, until the request ends; then it
/// sets <c>Content-Length</c> and hands the whole body to the server in one piece, which Kestrel
/// sends in one write. Without it, an HTTP/1.1 response of unknown length is chunked and flushed
/// twice (the body, then the last chunk): two TLS records and two system calls where one will do.
/// Anything that says "I stream" goes straight through, with what was held so far in front:
/// <c>DisableBuffering</c>, a file sent with <c>SendFileAsync</c>, a body past the bound, and
/// <c>text/event-stream</c>. A body whose length the app set itself is never held.
/// </summary>
internal sealed class SizedResponseBody : PipeWriter, IHttpResponseBodyFeature
{
    // Server-sent events are flushed one by one on purpose; holding them would stall the stream.
    private const string EventStream = "text/event-stream";

    private readonly IHttpResponseBodyFeature _inner;
    private readonly HttpResponse _response;
    private readonly int _bound;
    private byte[]? _held;
    private int _heldCount;
    private bool _passingThrough;
    private Stream? _stream;

    public SizedResponseBody(IHttpResponseBodyFeature inner, HttpResponse response, int bound)
    {
        _inner = inner;
        _response = response;
        _bound = bound;
    }

    public Stream Stream => _stream ??= AsStream(leaveOpen: true);

    public PipeWriter Writer => this;

    public override bool CanGetUnflushedBytes => !_passingThrough || _inner.Writer.CanGetUnflushedBytes;

    public override long UnflushedBytes => _passingThrough ? _inner.Writer.UnflushedBytes : _heldCount;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (!_passingThrough && Holds(sizeHint))
        {
            return _held.AsMemory(_heldCount, _bound - _heldCount);
        }

        return _inner.Writer.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        if (!_passingThrough && Holds(sizeHint))
        {
            return _held.AsSpan(_heldCount, _bound - _heldCount);
        }

        return _inner.Writer.GetSpan(sizeHint);
    }

    public override void Advance(int bytes)
    {
        if (_passingThrough)
        {
            _inner.Writer.Advance(bytes);
        }
        else
        {
            _heldCount += bytes;
        }
    }

    // A flush while holding sends nothing: the body leaves whole when the request ends. Writers
    // such as Response.WriteAsync(string) flush after every write, which is what made two records.
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        _passingThrough ? _inner.Writer.FlushAsync(cancellationToken) : ValueTask.FromResult(default(FlushResult));

    public override void CancelPendingFlush()
    {
        if (_passingThrough)
        {
            _inner.Writer.CancelPendingFlush();
        }
    }

    // The app ended the body early: what is held is the whole of it.
    public override void Complete(Exception? exception = null) => Finish();

    public Task CompleteAsync()
    {
        Finish();
        return _inner.CompleteAsync();
    }

    public void DisableBuffering()
    {
        PassThrough();
        _inner.DisableBuffering();
    }

    // Not a sign of streaming: Response.WriteAsync(string) starts every response it writes. The
    // headers are sent with the body; until then the app may still change them.
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        _passingThrough ? _inner.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        PassThrough();
        return _inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    /// <summary>
    /// The request has ended: the held body goes to the server with its length, unflushed, so
    /// Kestrel's own flush at the end of the request sends headers and body together.
    /// </summary>
    public void Finish()
    {
        if (_passingThrough)
        {
            return;
        }

        _passingThrough = true;
        if (_heldCount > 0)
        {
            // A length the app set itself stays, so Kestrel still reports a body that disagrees with it.
            _response.ContentLength ??= _heldCount;
            _inner.Writer.Write(_held.AsSpan(0, _heldCount));
        }

        Release();
    }

    /// <summary>Gives the rented buffer back; called once the request is over, whatever happened.</summary>
    public void Release()
    {
        if (_held is { } held)
        {
            _held = null;
            _heldCount = 0;
            ArrayPool<byte>.Shared.Return(held);
        }
    }

    // Whether the next sizeHint bytes still fit in the held body; on the first write, also whether
    // this response is one to hold at all.
    private bool Holds(int sizeHint)
    {
        if (_held is null)
        {
            if (_response.ContentLength is not null || IsEventStream(_response.ContentType))
            {
                PassThrough();
                return false;
            }

            _held = ArrayPool<byte>.Shared.Rent(_bound);
        }

        if (_bound - _heldCount >= Math.Max(sizeHint, 1))
        {
            return true;
        }

        PassThrough();
        return false;
    }

    // From here on every write goes to the server as it comes, after what was held (chunked, as
    // it would have been without this class).
    private void PassThrough()
    {
        if (_passingThrough)
        {
            return;
        }

        _passingThrough = true;
        if (_heldCount > 0)
        {
            _inner.Writer.Write(_held.AsSpan(0, _heldCount));
        }

        Release();
    }

    private static bool IsEventStream(string? contentType) =>
        contentType is not null && contentType.StartsWith(EventStream, StringComparison.OrdinalIgnoreCase);
}
