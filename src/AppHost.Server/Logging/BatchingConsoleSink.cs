using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace AppHost.Logging;

/// <summary>
/// Writes log events to standard output from one thread of its own, as many at a time as have
/// queued up. Under load one write(2) carries dozens of lines where Serilog's console sink makes a
/// system call, and a lock hand-off, per line (and under systemd wakes journald for each). When the
/// queue is empty each line is written at once, so nothing waits to be seen.
/// </summary>
/// <remarks>
/// Lines still queued when the process is killed (SIGKILL, a crash) are lost; a normal stop, after
/// the requests have finished, writes them all, as disposing the logger waits for this sink.
/// </remarks>
internal sealed class BatchingConsoleSink : ILogEventSink, IDisposable
{
    // About 2 MB of lines, a tenth of a second at the 67,000 lines/s of the benchmark: ample for
    // batching. When output cannot keep up, callers wait rather than lose lines, as they would
    // waiting on a plain console write.
    private const int QueueCapacity = 8192;

    // How long a stop waits for queued lines when output is stuck (a stalled journal): they could
    // not be written anyway, and systemd's stop timeout is longer.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    // Characters gathered before a write: about 80 request lines. Flushed whenever the queue runs
    // dry; a larger batch goes out in several writes. Small enough to stay off the large object heap.
    private const int OutputBufferSize = 16 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly Channel<string> _queue = Channel.CreateBounded<string>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Thread _writer;

    public BatchingConsoleSink(ITextFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _writer = new Thread(() => WriteAll(output)) { IsBackground = true, Name = "Log writer" };
        _writer.Start();
    }

    public void Emit(LogEvent logEvent)
    {
        // Formatted on the caller's thread, so the work spreads over the cores as before.
        using var text = new StringWriter();
        _formatter.Format(logEvent, text);
        string line = text.ToString();
        if (_queue.Writer.TryWrite(line))
        {
            return;
        }

        try
        {
            _queue.Writer.WriteAsync(line).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // Logged after the logger was disposed: there is no writer left to take it.
        }
    }

    /// <summary>Writes what is queued and stops the writer thread.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join(DrainLimit);
    }

    private void WriteAll(Stream output)
    {
        // Flushed after every batch and never disposed: the stream belongs to whoever passed it in.
        var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), OutputBufferSize);
        var lines = _queue.Reader;
        bool broken = false;
        while (lines.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            try
            {
                while (lines.TryRead(out string? line))
                {
                    if (!broken)
                    {
                        writer.Write(line);
                    }
                }

                if (!broken)
                {
                    writer.Flush();
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Standard output failing (a full disk, a closed descriptor) is no reason to stop
                // serving: lines are dropped from now on, and the queue keeps draining so no caller waits.
                broken = true;
            }
        }
    }
}
