using System.Text.Json.Serialization;

namespace AppHost.Server.Tests.Responses;

/// <summary>A JSON body as an endpoint returns it: <c>{"message":"..."}</c>.</summary>
public sealed record SmallMessage([property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(SmallMessage))]
internal sealed partial class SmallMessageJson : JsonSerializerContext;
