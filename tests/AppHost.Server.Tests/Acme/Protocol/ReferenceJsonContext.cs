using System.Text.Json.Serialization;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Acme.Protocol;

/// <summary>
/// The source-generated serialisation the ACME client used before its hand-written reader and writer
/// (AcmeJson, AcmeJsonWriter), kept here as the reference they are compared against.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AcmeDirectory))]
[JsonSerializable(typeof(AcmeAccountRequest))]
[JsonSerializable(typeof(AcmeAccount))]
[JsonSerializable(typeof(AcmeOrderRequest))]
[JsonSerializable(typeof(AcmeOrder))]
[JsonSerializable(typeof(AcmeAuthorization))]
[JsonSerializable(typeof(AcmeChallenge))]
[JsonSerializable(typeof(AcmeFinalizeRequest))]
[JsonSerializable(typeof(AcmeStatusRequest))]
[JsonSerializable(typeof(AcmeRenewalInfo))]
[JsonSerializable(typeof(AcmeProblem))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(JwsMessage))]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
