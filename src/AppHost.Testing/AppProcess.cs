using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AppHost.Testing;

/// <summary>
/// The app as a real child process: a JIT-compiled build (its .dll, run by dotnet) or a published
/// native file. Captures its output line by line so tests can wait on what it prints.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The lines printed on standard output so far.</summary>
    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>The lines printed on standard error so far.</summary>
    public IReadOnlyList<string> StandardError
    {
        get
        {
            lock (_lock)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the app with exactly <paramref name="args"/>, and none of the app's own environment
    /// variables (<c>SHOP_*</c> for shop.dll) but those given, so the machine's settings cannot leak in.
    /// </summary>
    /// <param name="app">A built app's .dll (run with dotnet exec) or a native file.</param>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Variables to set for the child.</param>
    /// <param name="launcher">A program and its arguments that start the app in turn, such as systemd-socket-activate; null starts it directly.</param>
    /// <returns>The running process.</returns>
    public static AppProcess Start(string app, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? launcher = null)
    {
        string[] target = app.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotnetHost(), "exec", app] : [app];
        string prefix = Path.GetFileNameWithoutExtension(app).ToUpperInvariant().Replace('-', '_').Replace('.', '_') + "_";
        string[] command = [.. launcher ?? [], .. target];
        var info = new ProcessStartInfo
        {
            FileName = command[0],
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string part in command.Skip(1))
        {
            info.ArgumentList.Add(part);
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var started = new AppProcess(process);
        process.OutputDataReceived += (_, e) => started.Receive(e.Data, started._stdout, started._outputClosed);
        process.ErrorDataReceived += (_, e) => started.Receive(e.Data, started._stderr, started._errorClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for a line of standard output that matches, printed already or to come.</summary>
    /// <param name="match">What the line must satisfy.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first matching line.</returns>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The app exited without printing one.</exception>
    public async Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_stdout.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_outputClosed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"the app exited without printing the expected line; stderr: {string.Join(" | ", _stderr)}");
            }

            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the app printed no expected line within {timeout.TotalSeconds} s; stdout: {string.Join(" | ", StandardOutput)}");
        }
    }

    /// <summary>Sends a POSIX signal, as systemd or a terminal would.</summary>
    /// <param name="signal">SIGTERM, SIGINT or SIGHUP.</param>
    public void Signal(PosixSignal signal)
    {
        int number = signal switch
        {
            PosixSignal.SIGTERM => Signals.Terminate,
            PosixSignal.SIGINT => Signals.Interrupt,
            PosixSignal.SIGHUP => Signals.Hangup,
            _ => throw new ArgumentOutOfRangeException(nameof(signal)),
        };
        if (!Signals.Send(_process.Id, number))
        {
            throw new InvalidOperationException($"kill({_process.Id}, {number}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to exit and for all its output to be read.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The exit code.</returns>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Its last lines of output show how far the stop got (stderr alone is often empty).
            throw new TimeoutException($"the app did not exit within {timeout.TotalSeconds} s; stderr: {string.Join(" | ", StandardError)}; "
                + $"last stdout: {string.Join(" | ", StandardOutput.TakeLast(10))}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process, and any it started, if it is still running.</summary>
    /// <returns>A task that completes once it has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Receive(string? line, List<string> lines, TaskCompletionSource closed)
    {
        lock (_lock)
        {
            if (line is not null)
            {
                lines.Add(line);
            }
            else
            {
                closed.TrySetResult();
            }

            if (!ReferenceEquals(lines, _stdout))
            {
                return;
            }

            foreach (var waiter in _waiters.ToList())
            {
                if (line is null)
                {
                    waiter.Found.TrySetException(new InvalidOperationException(
                        $"the app exited without printing the expected line; stderr: {string.Join(" | ", _stderr)}"));
                }
                else if (waiter.Match(line))
                {
                    waiter.Found.TrySetResult(line);
                }
                else
                {
                    continue;
                }

                _waiters.Remove(waiter);
            }
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
