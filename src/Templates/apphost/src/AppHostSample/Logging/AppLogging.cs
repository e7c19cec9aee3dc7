using AppHostSample.Cli;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Sinks.SystemConsole.Themes;

namespace AppHostSample.Logging;

/// <summary>Creates the one logger of the process, configured in code only: no settings file is read.</summary>
internal static class AppLogging
{
    public static Logger Create(LogEventLevel level, LogFormat format)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Kestrel and the host report routine events (each connection, start and stop) at
            // Information; they would drown the app's own lines, so they show from Warning up
            // unless debug output was asked for.
            .MinimumLevel.Override("Microsoft", level < LogEventLevel.Information ? level : Max(level, LogEventLevel.Warning));

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
