using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppHost.Server.Tests.Responses;

/// <summary>
/// Counts the writes Kestrel makes to a listener's connections: each flush that carries bytes is
/// one send, and over TLS one record at least.
/// </summary>
internal sealed class CountedWrites
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Puts a counter between Kestrel and every connection <paramref name="listen"/> accepts.</summary>
    public static CountedWrites On(ListenOptions listen)
    {
        var writes = new CountedWrites();
        listen.Use(next => connection =>
        {
            connection.Transport = new DuplexPipe(connection.Transport.Input, new CountingWriter(connection.Transport.Output, writes));
            return next(connection);
        });
        return writes;
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private sealed class CountingWriter(PipeWriter inner, CountedWrites writes) : PipeWriter
    {
        private long _unflushed;

        public override void Advance(int bytes)
        {
            _unflushed += bytes;
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_unflushed > 0)
            {
                _unflushed = 0;
                Interlocked.Increment(ref writes._count);
            }

            return inner.FlushAsync(cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
