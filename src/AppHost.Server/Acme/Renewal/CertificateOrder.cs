using System.Security.Cryptography;
using AppHost.Acme.Challenges;
using AppHost.Acme.Protocol;

namespace AppHost.Acme.Renewal;

/// <summary>
/// One order end to end for one name (RFC 8555 §7.4): new order, prove control through the chosen
/// challenge, finalize with a CSR over a fresh key, download the chain. A failure throws
/// <see cref="AcmeProblemException"/> with the CA's own problem document.
/// </summary>
internal sealed class CertificateOrder(AcmeClient client, PendingChallenges pending)
{
    /// <param name="name">The DNS name.</param>
    /// <param name="choice">Which challenge types may be answered, and which first.</param>
    /// <param name="replaces">The ARI id of the certificate being renewed (RFC 9773 §5), or null.</param>
    /// <param name="cancel">Stops the order; pending challenges are withdrawn all the same.</param>
    public async Task<IssuedCertificate> ObtainAsync(string name, ChallengeChoice choice, string? replaces, CancellationToken cancel)
    {
        var (orderUrl, order) = await client.NewOrderAsync([name], replaces, cancel);
        string? used = null;
        foreach (var authorizationUrl in order.Authorizations)
        {
            used = await AuthorizeAsync(authorizationUrl, choice, cancel) ?? used;
        }

        order = await client.PollOrderAsync(orderUrl, cancel);
        if (order.Status != "ready")
        {
            throw new AcmeProblemException(order.Error ?? new AcmeProblem(Detail: $"the order for {name} is '{order.Status}' after its authorizations, not 'ready'"));
        }

        // A new key per certificate, as autocert and certmagic do: a leaked key dies with its certificate.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        order = await client.FinalizeAsync(order, AcmeClient.CreateCsr(key, [name]), cancel);
        if (order.Status != "valid")
        {
            order = await client.PollOrderAsync(orderUrl, cancel);
        }

        if (order is not { Status: "valid", Certificate: { } certificateUrl })
        {
            throw new AcmeProblemException(order.Error ?? new AcmeProblem(Detail: $"the order for {name} is '{order.Status}' after finalize, not 'valid'"));
        }

        string chain = await client.DownloadChainAsync(certificateUrl, cancel);
        return new IssuedCertificate(name, chain, key.ExportPkcs8PrivateKeyPem(), used);
    }

    /// <returns>The challenge type answered, or null when the authorization was valid already.</returns>
    private async Task<string?> AuthorizeAsync(Uri url, ChallengeChoice choice, CancellationToken cancel)
    {
        var authorization = await client.GetAuthorizationAsync(url, cancel);
        if (authorization.Status == "valid")
        {
            return null; // the CA reuses a recent validation of this account (Pebble does for half of them)
        }

        string name = authorization.Identifier.Value;
        if (authorization.Status != "pending")
        {
            throw new AcmeProblemException(new AcmeProblem(Detail: $"the authorization for {name} is '{authorization.Status}'"));
        }

        if (choice.Pick(authorization.Challenges) is not { } challenge)
        {
            // Give the authorization up rather than leave it pending: CAs count pending authorizations against limits.
            await client.DeactivateAsync(url, cancel);
            throw new AcmeProblemException(new AcmeProblem(
                Detail: $"the CA offers {string.Join(", ", authorization.Challenges.Select(c => c.Type))} for {name}, none of which this server can answer"
                    + (choice.PlainHttpListener ? "" : " (HTTP-01 needs --http-port)")));
        }

        string keyAuthorization = client.Signer.KeyAuthorization(challenge.Token!);
        bool http = challenge.Type == ChallengeChoice.Http01;
        if (http)
        {
            pending.AddHttp01(challenge.Token!, keyAuthorization);
        }
        else
        {
            pending.AddTlsAlpn01(name, keyAuthorization);
        }

        try
        {
            await client.RespondAsync(challenge.Url, cancel);
            authorization = await client.PollAuthorizationAsync(url, cancel);
        }
        finally
        {
            if (http)
            {
                pending.RemoveHttp01(challenge.Token!);
            }
            else
            {
                pending.RemoveTlsAlpn01(name);
            }
        }

        if (authorization.Status != "valid")
        {
            // The reason is in the challenge (RFC 8555 §7.1.5): the CA's own words on what it saw.
            var failed = authorization.Challenges.FirstOrDefault(c => c.Url == challenge.Url);
            throw new AcmeProblemException(failed?.Error ?? new AcmeProblem(Detail: $"the authorization for {name} is '{authorization.Status}'"))
            {
                ChallengeType = challenge.Type,
            };
        }

        return challenge.Type;
    }
}
