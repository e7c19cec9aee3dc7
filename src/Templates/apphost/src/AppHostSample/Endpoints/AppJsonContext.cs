using System.Text.Json;
using System.Text.Json.Serialization;

namespace AppHostSample.Endpoints;

/// <summary>
/// JSON serialization code generated at compile time (no reflection, so it trims and runs
/// NativeAOT). Every type the app reads or writes as JSON is listed here.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(GreetingRequest))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
