using System.Diagnostics;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Shows which phase of the publish is running (restore, compile, then native code or bundle)
/// with its elapsed time: one updating line on a terminal, a plain line per finished phase otherwise.
/// </summary>
internal sealed class PublishProgress : IDisposable
{
    private readonly TextWriter _out;
    private readonly bool _live;
    private readonly string _lastPhase;
    private readonly Stopwatch _phaseClock = Stopwatch.StartNew();
    private readonly Timer? _ticker;
    private readonly Lock _lock = new();
    private string _phase = "restore";

    public PublishProgress(PublishMode mode, TextWriter output, bool live)
    {
        _out = output;
        _live = live;
        _lastPhase = mode == PublishMode.Native ? "native code" : "bundle";
        // A tenth of a second: smooth to the eye, negligible work.
        _ticker = live ? new Timer(_ => Draw(), null, 0, 100) : null;
    }

    /// <summary>Reads one line of dotnet publish's output and moves to the next phase when it marks one.</summary>
    public void Observe(string line)
    {
        if (_phase == "restore" && (line.Contains("Restored ", StringComparison.Ordinal) || line.Contains("up-to-date for restore", StringComparison.Ordinal)))
        {
            Next("compile");
        }
        else if (_phase == "compile" && line.Contains(" -> ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(".dll", StringComparison.Ordinal))
        {
            Next(_lastPhase);
        }
    }

    /// <summary>Closes the last phase.</summary>
    public void Complete() => Next(null);

    public void Dispose() => _ticker?.Dispose();

    private void Next(string? phase)
    {
        lock (_lock)
        {
            if (_phase.Length > 0)
            {
                _out.Write(_live ? $"\r{_phase,-12} {_phaseClock.Elapsed.TotalSeconds,5:F1} s\n" : $"{_phase}: {_phaseClock.Elapsed.TotalSeconds:F1} s\n");
            }

            _phase = phase ?? "";
            _phaseClock.Restart();
        }
    }

    private void Draw()
    {
        lock (_lock)
        {
            if (_phase.Length > 0)
            {
                _out.Write($"\r{_phase,-12} {_phaseClock.Elapsed.TotalSeconds,5:F1} s");
            }
        }
    }
}
