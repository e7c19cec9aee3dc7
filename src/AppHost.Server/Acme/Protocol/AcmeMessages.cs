namespace AppHost.Acme.Protocol;

// The JSON objects of RFC 8555 §7 (and RFC 9773's renewalInfo) that this client reads or writes.
// Statuses stay strings: a CA may add values, and an unknown one must not fail deserialisation.
// Fields this client never uses are left out; AcmeJson skips what it does not know.

/// <summary>The directory (RFC 8555 §7.1.1): where each operation lives.</summary>
internal sealed record AcmeDirectory(
    Uri NewNonce,
    Uri NewAccount,
    Uri NewOrder,
    Uri? RevokeCert = null,
    Uri? KeyChange = null,
    Uri? RenewalInfo = null,
    AcmeDirectoryMeta? Meta = null);

internal sealed record AcmeDirectoryMeta(Uri? TermsOfService = null, bool? ExternalAccountRequired = null);

/// <summary>newAccount's payload (RFC 8555 §7.3); <see cref="OnlyReturnExisting"/> looks the key up without creating.</summary>
internal sealed record AcmeAccountRequest(
    bool? TermsOfServiceAgreed = null,
    IReadOnlyList<string>? Contact = null,
    bool? OnlyReturnExisting = null);

internal sealed record AcmeAccount(string Status, IReadOnlyList<string>? Contact = null);

internal sealed record AcmeIdentifier(string Type, string Value)
{
    public static AcmeIdentifier Dns(string name) => new("dns", name);
}

/// <summary>newOrder's payload (RFC 8555 §7.4); <see cref="Replaces"/> is RFC 9773 §5's ARI certificate id.</summary>
internal sealed record AcmeOrderRequest(IReadOnlyList<AcmeIdentifier> Identifiers, string? Replaces = null);

internal sealed record AcmeOrder(
    string Status,
    IReadOnlyList<AcmeIdentifier> Identifiers,
    IReadOnlyList<Uri> Authorizations,
    Uri Finalize,
    Uri? Certificate = null,
    DateTimeOffset? Expires = null,
    AcmeProblem? Error = null);

internal sealed record AcmeAuthorization(
    string Status,
    AcmeIdentifier Identifier,
    IReadOnlyList<AcmeChallenge> Challenges,
    bool? Wildcard = null,
    DateTimeOffset? Expires = null);

internal sealed record AcmeChallenge(string Type, Uri Url, string Status, string? Token = null, AcmeProblem? Error = null);

/// <summary>finalize's payload (RFC 8555 §7.4): the CSR's DER in base64url.</summary>
internal sealed record AcmeFinalizeRequest(string Csr);

/// <summary>A deactivation request for an authorization left pending (RFC 8555 §7.5.2).</summary>
internal sealed record AcmeStatusRequest(string Status);

/// <summary>RFC 9773 §4.2: the window in which the CA would like the certificate renewed.</summary>
internal sealed record AcmeRenewalInfo(AcmeRenewalWindow SuggestedWindow, Uri? ExplanationUrl = null);

internal sealed record AcmeRenewalWindow(DateTimeOffset Start, DateTimeOffset End);

/// <summary>The public half of the account key as a JWK (RFC 7518 §6.2), members in RFC 7638's order.</summary>
internal sealed record EcJwk(string Crv, string Kty, string X, string Y);

/// <summary>The JWS protected header (RFC 8555 §6.2): exactly one of <see cref="Kid"/> and <see cref="Jwk"/>.</summary>
internal sealed record JwsHeader(string Alg, string Nonce, string Url, string? Kid = null, EcJwk? Jwk = null);

/// <summary>The flattened JWS JSON serialization (RFC 7515 §7.2.2) every ACME POST carries.</summary>
internal sealed record JwsMessage(string Protected, string Payload, string Signature);
