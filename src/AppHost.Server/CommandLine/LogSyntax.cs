using AppHost.Contract;
using Serilog.Events;

namespace AppHost.CommandLine;

/// <summary>The value syntaxes of the logging options, which only the server has.</summary>
internal static class LogSyntax
{
    public static readonly ValueSyntax<LogEventLevel> Level = new(
        "level",
        "one of verbose, debug, information, warning, error, fatal",
        (string text, out LogEventLevel level) => Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level) && !char.IsAsciiDigit(text[0]));

    public static readonly ValueSyntax<LogFormat?> Format = new(
        "format",
        "text or json",
        (string text, out LogFormat? format) =>
        {
            format = text.ToLowerInvariant() switch
            {
                "text" => LogFormat.Text,
                "json" => LogFormat.Json,
                _ => null,
            };
            return format is not null;
        });
}
