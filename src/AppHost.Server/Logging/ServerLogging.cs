using AppHost.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Sinks.SystemConsole.Themes;

namespace AppHost;

/// <summary>Creates the one logger of the process, configured in code only: no settings file is read.</summary>
public static class ServerLogging
{
    /// <summary>The logger for <c>--log-level</c> and <c>--log-format</c>: coloured text on a terminal, JSON lines written in batches otherwise.</summary>
    /// <param name="options">The server's options.</param>
    /// <returns>The logger; dispose it last, so it writes every line still queued.</returns>
    public static Logger Create(ServerOptions options) => Create(options.LogLevel, options.LogFormat);

    internal static Logger Create(LogEventLevel level, LogFormat format)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Kestrel and the host report routine events (each connection, start and stop) at
            // Information; they would drown the app's own lines, so they show from Warning up
            // unless debug output was asked for.
            .MinimumLevel.Override("Microsoft", level < LogEventLevel.Information ? level : Max(level, LogEventLevel.Warning))
            .Filter.With(new HostStartFaultFilter());

        // JSON is what services write (to the journal, a file, a collector), so it is written in
        // batches; text is for a person at a terminal, in colour, one line at a time.
        return format == LogFormat.Json
            ? configuration.WriteTo.Sink(new BatchingConsoleSink(new CompactJsonFormatter(), Console.OpenStandardOutput())).CreateLogger()
            : configuration.WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}",
                theme: AnsiConsoleTheme.Code).CreateLogger();
    }

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;
}
