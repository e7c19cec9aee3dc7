using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench.Endpoints;

/// <summary>JSON code generated at compile time for the benchmark's endpoints (no reflection, so it runs NativeAOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchMessage))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
