using System.IO.Pipelines;
using System.Text;
using AppHost.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace AppHost.Server.Tests.Logging;

/// <summary>The JSON log's sink: every line arrives, in order, at once when the server is quiet, and a dead output does not stop the app.</summary>
public sealed class BatchingConsoleSinkTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void EveryLineFromManyThreadsArrivesInEachThreadsOrder()
    {
        const int Threads = 8;
        const int LinesEach = 5000; // far more than the queue holds, so writers also wait on it
        var output = new MemoryStream();
        using (var log = CreateLogger(new BatchingConsoleSink(Formatter(), output)))
        {
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
            {
                for (int i = 0; i < LinesEach; i++)
                {
                    log.Information("{Thread} {Line}", thread, i);
                }
            });
        }

        string[] lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Threads * LinesEach, lines.Length);
        var next = new int[Threads];
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            int thread = int.Parse(fields[0]);
            Assert.Equal(next[thread], int.Parse(fields[1]));
            next[thread]++;
        }
    }

    [Fact]
    public async Task ALineIsWrittenWithoutWaitingForMore()
    {
        var pipe = new Pipe();
        using var log = CreateLogger(new BatchingConsoleSink(Formatter(), pipe.Writer.AsStream()));
        using var reader = new StreamReader(pipe.Reader.AsStream());

        log.Information("{Method} {Path}", "GET", "/healthz");

        // The logger stays open: the line must come out while nothing else is logged.
        string? line = await reader.ReadLineAsync().WaitAsync(Deadline);
        Assert.Equal("GET /healthz", line);
    }

    [Fact]
    public async Task AClosedOutputNeitherFailsTheCallerNorHangsTheStop()
    {
        // The sink is called directly: a logger would catch what it throws and hide a failure.
        var template = new MessageTemplateParser().Parse("{Line}");
        var logging = Task.Run(() =>
        {
            using var sink = new BatchingConsoleSink(Formatter(), new BrokenStream());
            for (int i = 0; i < 20_000; i++)
            {
                sink.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, template, [new LogEventProperty("Line", new ScalarValue(i))]));
            }
        });

        // Rethrows what the sink threw; a TimeoutException means it hung.
        await logging.WaitAsync(Deadline);
    }

    private static Serilog.Core.Logger CreateLogger(BatchingConsoleSink sink) =>
        new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

    private static MessageTemplateTextFormatter Formatter() => new("{Message:lj}{NewLine}");

    /// <summary>Standard output after the journal stopped: every write fails.</summary>
    private sealed class BrokenStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");

        public override void Flush() => throw new IOException("Broken pipe");

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
