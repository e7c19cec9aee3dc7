using System.Diagnostics.CodeAnalysis;

namespace AppHost.Metrics;

/// <summary>
/// Whether the app was built with metrics: the runtime's own switch, which the app's
/// <c>MetricsSupport</c> sets. Declared a feature switch, so a build without metrics has this as a
/// constant false, and the trimmer removes the exporter along with the code it guards.
/// </summary>
internal static class MetricsFeature
{
    private const string Switch = "System.Diagnostics.Metrics.Meter.IsSupported";

    // Unset (a build that never mentions it) means on, as the runtime's own meters have it.
    [FeatureSwitchDefinition(Switch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(Switch, out bool on) || on;
}
