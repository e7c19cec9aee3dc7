using System.Buffers;
using System.IO.Pipelines;

namespace AppHost.Stopping;

/// <summary>Kestrel's view of the client's bytes, counting how far it has read.</summary>
internal sealed class ConsumptionTrackingReader(PipeReader inner, Action<long> consumed) : PipeReader
{
    private ReadOnlySequence<byte> _last;
    private long _consumedTotal;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var reading = inner.ReadAsync(cancellationToken);
        if (reading.IsCompletedSuccessfully)
        {
            // A ValueTask may be consumed once: a pending read of a Pipe that completed since is
            // backed by the Pipe, and a second GetResult throws. So the result is passed on by value.
            var result = reading.Result;
            _last = result.Buffer;
            return new ValueTask<ReadResult>(result);
        }

        return Remember(reading);
    }

    public override bool TryRead(out ReadResult result)
    {
        bool read = inner.TryRead(out result);
        if (read)
        {
            _last = result.Buffer;
        }

        return read;
    }

    public override void AdvanceTo(SequencePosition consumedTo) => AdvanceTo(consumedTo, consumedTo);

    public override void AdvanceTo(SequencePosition consumedTo, SequencePosition examined)
    {
        _consumedTotal += _last.Slice(_last.Start, consumedTo).Length;
        _last = default;
        inner.AdvanceTo(consumedTo, examined);
        consumed(_consumedTotal);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    private async ValueTask<ReadResult> Remember(ValueTask<ReadResult> reading)
    {
        var result = await reading;
        _last = result.Buffer;
        return result;
    }
}
