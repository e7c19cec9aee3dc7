using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AppHost.Cli.CommandLine;

/// <summary>
/// Output for humans goes to stderr through this logger; stdout carries only results a script may
/// read (paths, fingerprints), so <c>$(apphost cert)</c> works.
/// </summary>
internal static class CliLog
{
    public static Logger Create(bool verbose = false) => new LoggerConfiguration()
        .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
        // Every level to stderr; warnings and errors say so in words, for terminals without colour.
        .WriteTo.Console(
            outputTemplate: "{Prefix}{Message:lj}{NewLine}",
            standardErrorFromLevel: LogEventLevel.Verbose)
        .Enrich.With<LevelPrefix>()
        .CreateLogger();

    private sealed class LevelPrefix : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory) =>
            logEvent.AddPropertyIfAbsent(factory.CreateProperty("Prefix", logEvent.Level switch
            {
                LogEventLevel.Warning => "warning: ",
                LogEventLevel.Error or LogEventLevel.Fatal => "error: ",
                _ => "",
            }));
    }
}
