using AppHost.Metrics.Otlp;

namespace AppHost.Metrics;

/// <summary>An instrument as OpenTelemetry names it, before the Prometheus names: what an OTLP push sends.</summary>
/// <remarks>A class, not a record: a record's equality and printing would be code in every file that no one calls.</remarks>
/// <param name="meter">Its meter, the push's instrumentation scope, such as Microsoft.AspNetCore.Hosting.</param>
/// <param name="meterVersion">The meter's version, if it has one.</param>
/// <param name="name">Such as http.server.request.duration.</param>
/// <param name="unit">UCUM, such as s or {request}.</param>
/// <param name="kind">How its points are read.</param>
internal sealed class InstrumentIdentity(string meter, string? meterVersion, string name, string? unit, OtlpKind kind)
{
    public string Meter { get; } = meter;

    public string? MeterVersion { get; } = meterVersion;

    public string Name { get; } = name;

    public string? Unit { get; } = unit;

    public OtlpKind Kind { get; } = kind;
}
