using Serilog.Core;
using Serilog.Events;

namespace AppHost.Logging;

/// <summary>
/// Leaves out the host's "Hosting failed to start" event. Its exception also reaches the code that
/// started the host, which says it once on stderr in a line that names the fix (a port in use, an
/// address not on this machine), or lets the runtime report it. Logged as well, it would put the
/// same failure on stdout a second time, as a stack trace.
/// </summary>
internal sealed class HostStartFaultFilter : ILogEventFilter
{
    // Microsoft.Extensions.Hosting's LoggerEventIds.HostedServiceStartupFaulted, logged by its Host class.
    private const int HostedServiceStartupFaulted = 11;
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public bool IsEnabled(LogEvent logEvent) =>
        logEvent.Exception is null
        || !(logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source) && source is ScalarValue { Value: HostCategory }
             && logEvent.Properties.TryGetValue("EventId", out var eventId) && eventId is StructureValue id
             && id.Properties.Any(p => p is { Name: "Id", Value: ScalarValue { Value: HostedServiceStartupFaulted } }));
}
