using System.Diagnostics;
using System.Text;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// The live view of a rollout on a terminal: below the finished steps, one line per host saying what
/// it is doing and for how long, redrawn in place. Finished steps are written above it as plain lines,
/// so what stays on the screen (and in a scrollback) is the same as without a terminal.
/// </summary>
internal sealed class LiveStatus : IDisposable
{
    // Four redraws a second: a running clock without flicker or noticeable work.
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(250);

    // ANSI: move to the start of the line N lines up, and erase from the cursor to the end of the screen.
    private const string Up = "\e[{0}F";
    private const string EraseBelow = "\e[J";

    private readonly TextWriter _terminal;
    private readonly Func<int> _width;
    private readonly Lock _drawing;
    private readonly List<(string Host, string Doing, Stopwatch Since)> _hosts;
    private readonly Timer _timer;
    private int _drawn;
    private bool _stopped;

    /// <param name="terminal">Where to draw: stderr, a terminal.</param>
    /// <param name="hosts">The hosts of the rollout, in its order.</param>
    /// <param name="width">The terminal's width now: a line longer than it would wrap, and the redraw would miscount the lines.</param>
    /// <param name="drawing">The lock every writer to <paramref name="terminal"/> holds.</param>
    public LiveStatus(TextWriter terminal, IEnumerable<string> hosts, Func<int> width, Lock drawing)
    {
        _terminal = terminal;
        _width = width;
        _drawing = drawing;
        _hosts = [.. hosts.Select(h => (h, "waiting", new Stopwatch()))];
        lock (_drawing)
        {
            Draw();
        }

        _timer = new Timer(_ => Refresh(), null, Redraw, Redraw);
    }

    /// <summary>What a host has started doing; its clock starts again.</summary>
    public void Doing(string host, string what)
    {
        lock (_drawing)
        {
            Set(host, what, Stopwatch.StartNew());
            Erase();
            Draw();
        }
    }

    /// <summary>Writes a host's finished step above the view, and shows it as the host's latest, with no clock. The caller holds the drawing lock.</summary>
    public void Finished(string host, string what, string line)
    {
        Erase();
        _terminal.WriteLine(line);
        Set(host, what, new Stopwatch());
        Draw();
    }

    /// <summary>Stops the clock and removes the view, leaving only the finished steps.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_drawing)
        {
            // A redraw the timer began before it was disposed may still be waiting for the lock: it must not draw again.
            _stopped = true;
            Erase();
            _terminal.Flush();
        }
    }

    private void Set(string host, string what, Stopwatch since)
    {
        int i = _hosts.FindIndex(h => h.Host == host);
        if (i >= 0)
        {
            _hosts[i] = (host, what, since);
        }
    }

    private void Refresh()
    {
        lock (_drawing)
        {
            if (_stopped)
            {
                return;
            }

            Erase();
            Draw();
        }
    }

    private void Erase()
    {
        if (_drawn > 0)
        {
            _terminal.Write(string.Format(System.Globalization.CultureInfo.InvariantCulture, Up, _drawn) + EraseBelow);
            _drawn = 0;
        }
    }

    private void Draw()
    {
        int width = Math.Max(_width() - 1, 20);
        int hostWidth = _hosts.Max(h => h.Host.Length);
        var view = new StringBuilder();
        foreach (var (host, doing, since) in _hosts)
        {
            string clock = since.IsRunning ? $" … {since.Elapsed.TotalSeconds:F1} s" : "";
            string line = $"  {host.PadRight(hostWidth)}  {doing}{clock}";
            view.Append(line.Length > width ? line[..width] : line).Append('\n');
        }

        _terminal.Write(view);
        _terminal.Flush();
        _drawn = _hosts.Count;
    }
}
