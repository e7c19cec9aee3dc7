using System.Net;

/// <summary>
/// Takes the app's OTLP pushes and answers 200, so that the trace covers a push as a collector
/// receives it; what is pushed is the tests' to check (OtlpPushTests), not this script's.
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private int _received;

    public OtlpSink(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}/v1/metrics";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Endpoint { get; }

    /// <summary>Waits until the app has pushed <paramref name="pushes"/> times.</summary>
    public async Task WaitForAsync(int pushes, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Volatile.Read(ref _received) < pushes)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the app pushed {_received} times by OTLP within {limit.TotalMinutes} minutes, not {pushes}");
            }

            await Task.Delay(200); // the app pushes once a second, slower under valgrind
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _ = _serving.Exception; // closing ends the loop with an exception that says only that
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            var context = await _listener.GetContextAsync();
            await context.Request.InputStream.CopyToAsync(Stream.Null);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Interlocked.Increment(ref _received);
        }
    }
}
