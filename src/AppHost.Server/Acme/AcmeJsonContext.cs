using System.Text.Json.Serialization;

namespace AppHost.Acme;

/// <summary>
/// Source-generated serialisation of the ACME messages: no reflection, so the native file trims safely.
/// ACME's member names are camelCase; absent optional members are left out when writing, because
/// some requests mean something different with an explicit null (a newOrder "replaces": null).
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
internal sealed partial class AcmeJsonContext : JsonSerializerContext;
