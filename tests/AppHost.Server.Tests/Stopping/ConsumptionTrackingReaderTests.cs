using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;
using AppHost.Stopping;

namespace AppHost.Server.Tests.Stopping;

/// <summary>The reader the HTTP/2 stop puts before Kestrel, which counts how far Kestrel has read.</summary>
public sealed class ConsumptionTrackingReaderTests
{
    [Fact]
    public async Task ReportsHowFarTheReaderHasConsumed()
    {
        var pipe = new Pipe();
        var reports = new List<long>();
        var reader = new ConsumptionTrackingReader(pipe.Reader, reports.Add);
        await pipe.Writer.WriteAsync(new byte[10]);

        var first = await reader.ReadAsync();
        reader.AdvanceTo(first.Buffer.GetPosition(4), first.Buffer.End);
        await pipe.Writer.WriteAsync(new byte[5]);
        var second = await reader.ReadAsync();
        reader.AdvanceTo(second.Buffer.End);

        Assert.Equal([4L, 15L], reports);
    }

    [Fact]
    public async Task AReadThatCompletedAfterItWasStartedIsConsumedOnce()
    {
        // A Pipe's pending read hands out a ValueTask backed by the pipe itself; when the writer
        // flushes between ReadAsync and the check, it is already complete, and a second GetResult
        // throws ("reading is already in progress"). Kestrel turned that into GOAWAY INTERNAL_ERROR.
        var inner = new CompletedOnceReader(new ReadOnlySequence<byte>(new byte[3]));
        var reader = new ConsumptionTrackingReader(inner, _ => { });

        var result = await reader.ReadAsync();

        Assert.Equal(3, result.Buffer.Length);
        Assert.Equal(1, inner.Results);
    }

    /// <summary>Returns a source-backed read that is already complete, and may be consumed only once, as a Pipe's may.</summary>
    private sealed class CompletedOnceReader(ReadOnlySequence<byte> data) : PipeReader, IValueTaskSource<ReadResult>
    {
        public int Results { get; private set; }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => new(this, 0);

        public ReadResult GetResult(short token)
        {
            if (++Results > 1)
            {
                throw new InvalidOperationException("this read was already consumed");
            }

            return new ReadResult(data, isCanceled: false, isCompleted: false);
        }

        public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Succeeded;

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) => continuation(state);

        public override bool TryRead(out ReadResult result) => throw new NotSupportedException();

        public override void AdvanceTo(SequencePosition consumed)
        {
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}
