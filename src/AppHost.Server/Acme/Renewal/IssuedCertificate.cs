namespace AppHost.Acme.Renewal;

/// <summary>What an order produced: the chain exactly as the CA sent it, and its fresh key as PKCS#8 PEM.</summary>
/// <param name="Name">The DNS name the certificate was ordered for.</param>
/// <param name="ChainPem">Leaf first, then the intermediates, byte for byte from the CA.</param>
/// <param name="KeyPem">The ECDSA P-256 private key, PKCS#8 PEM.</param>
/// <param name="ChallengeType">The challenge that proved control, or null when every authorization was already valid.</param>
internal sealed record IssuedCertificate(string Name, string ChainPem, string KeyPem, string? ChallengeType);
