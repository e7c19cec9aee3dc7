using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AppHost.Acme.Protocol;

/// <summary>
/// The ACME operations one order needs (RFC 8555 §7), each one request or one polling loop. Knows
/// nothing of challenges' responders or storage; the renewal's CertificateOrder strings these together.
/// </summary>
internal sealed class AcmeClient
{
    // Polling a pending authorization or a processing order (RFC 8555 §7.5.1, §7.4): every second
    // unless the CA says otherwise, never more than 10 s apart so a slow Retry-After does not stall
    // a short-lived certificate, and given up after 5 minutes (Let's Encrypt validates in seconds).
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollBudget = TimeSpan.FromMinutes(5);

    private readonly AcmeHttp _http;
    private readonly TimeProvider _time;

    private AcmeClient(AcmeHttp http, AcmeDirectory directory, TimeProvider time)
    {
        _http = http;
        _time = time;
        Directory = directory;
        http.NewNonceUrl = directory.NewNonce;
    }

    public AcmeDirectory Directory { get; }

    public JwsSigner Signer => _http.Signer;

    public Uri? AccountUrl => _http.AccountUrl;

    /// <summary>Reads the CA's directory (RFC 8555 §7.1.1).</summary>
    public static async Task<AcmeClient> ConnectAsync(HttpClient http, Uri directoryUrl, ECDsa accountKey, TimeProvider time, CancellationToken cancel)
    {
        var transport = new AcmeHttp(http, new JwsSigner(accountKey), time);
        var response = await transport.GetAsync(directoryUrl, cancel);
        return new AcmeClient(transport, response.Read(AcmeJson.Directory), time);
    }

    /// <summary>Reads the directory and finds or creates the account: what every order starts with.</summary>
    public static async Task<AcmeClient> OpenAccountAsync(HttpClient http, Uri directoryUrl, ECDsa accountKey, string? email, TimeProvider time, CancellationToken cancel)
    {
        var client = await ConnectAsync(http, directoryUrl, accountKey, time, cancel);
        await client.FindOrCreateAccountAsync(email, cancel);
        return client;
    }

    /// <summary>
    /// Finds the account of this key, or creates it (RFC 8555 §7.3, §7.3.1). Looking up first means a
    /// restart with the stored key never registers a second account, and a lost account URL costs nothing.
    /// </summary>
    public async Task<Uri> FindOrCreateAccountAsync(string? email, CancellationToken cancel)
    {
        AcmeResponse response;
        try
        {
            response = await _http.PostAsync(Directory.NewAccount, AcmeJsonWriter.Write(new AcmeAccountRequest(OnlyReturnExisting: true)), cancel, withJwk: true);
        }
        catch (AcmeProblemException e) when (e.Problem.Type == AcmeProblem.AccountDoesNotExist)
        {
            // Agreeing to the terms is the operator's choice of this CA; the README says so.
            var request = new AcmeAccountRequest(TermsOfServiceAgreed: true, Contact: email is null ? null : ["mailto:" + email]);
            response = await _http.PostAsync(Directory.NewAccount, AcmeJsonWriter.Write(request), cancel, withJwk: true);
        }

        _http.AccountUrl = response.Location ?? throw new InvalidDataException("the CA's newAccount answer has no Location (the account URL)");
        return _http.AccountUrl;
    }

    /// <param name="names">The DNS names the certificate is for.</param>
    /// <param name="replaces">The ARI id of the certificate this order renews (RFC 9773 §5), or null.</param>
    /// <param name="cancel">Stops the request.</param>
    public async Task<(Uri Url, AcmeOrder Order)> NewOrderAsync(IReadOnlyList<string> names, string? replaces, CancellationToken cancel)
    {
        // A CA without renewalInfo does not know "replaces" and may refuse it as malformed.
        var request = new AcmeOrderRequest([.. names.Select(AcmeIdentifier.Dns)], Directory.RenewalInfo is null ? null : replaces);
        var response = await _http.PostAsync(Directory.NewOrder, AcmeJsonWriter.Write(request), cancel);
        var url = response.Location ?? throw new InvalidDataException("the CA's newOrder answer has no Location (the order URL)");
        return (url, response.Read(AcmeJson.Order));
    }

    public async Task<AcmeAuthorization> GetAuthorizationAsync(Uri url, CancellationToken cancel) =>
        (await _http.PostAsGetAsync(url, cancel)).Read(AcmeJson.Authorization);

    /// <summary>Tells the CA to validate (RFC 8555 §7.5.1). The payload is exactly <c>{}</c>; Pebble's -strict checks.</summary>
    public async Task<AcmeChallenge> RespondAsync(Uri challengeUrl, CancellationToken cancel) =>
        (await _http.PostAsync(challengeUrl, "{}"u8.ToArray(), cancel)).Read(AcmeJson.Challenge);

    /// <summary>Gives up an authorization this client will not complete, sparing the CA's failed-validation limits (RFC 8555 §7.5.2).</summary>
    public Task DeactivateAsync(Uri authorizationUrl, CancellationToken cancel) =>
        _http.PostAsync(authorizationUrl, AcmeJsonWriter.Write(new AcmeStatusRequest("deactivated")), cancel);

    /// <summary>Polls until the authorization is no longer pending.</summary>
    public Task<AcmeAuthorization> PollAuthorizationAsync(Uri url, CancellationToken cancel) =>
        PollAsync(url, AcmeJson.Authorization, a => a.Status == "pending", cancel);

    /// <summary>Polls until the order is neither pending nor processing.</summary>
    public Task<AcmeOrder> PollOrderAsync(Uri url, CancellationToken cancel) =>
        PollAsync(url, AcmeJson.Order, o => o.Status is "pending" or "processing", cancel);

    /// <summary>Sends the CSR (RFC 8555 §7.4). The order may come back "processing"; poll it.</summary>
    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csrDer, CancellationToken cancel) =>
        (await _http.PostAsync(order.Finalize, AcmeJsonWriter.Write(new AcmeFinalizeRequest(Base64Url.EncodeToString(csrDer))), cancel))
            .Read(AcmeJson.Order);

    /// <summary>The issued chain (RFC 8555 §7.4.2), PEM, exactly as the CA sent it: leaf first, then the intermediates.</summary>
    public async Task<string> DownloadChainAsync(Uri certificateUrl, CancellationToken cancel)
    {
        var response = await _http.PostAsGetAsync(certificateUrl, cancel);
        if (response.ContentType is not "application/pem-certificate-chain")
        {
            throw new InvalidDataException($"the CA sent the certificate as '{response.ContentType}', not application/pem-certificate-chain");
        }

        return Encoding.ASCII.GetString(response.Body);
    }

    /// <summary>The CA's suggested renewal window (RFC 9773 §4.2), or null when the directory has no renewalInfo.</summary>
    public async Task<(AcmeRenewalInfo Info, DateTimeOffset? RetryAfter)?> GetRenewalInfoAsync(string certificateId, CancellationToken cancel)
    {
        if (Directory.RenewalInfo is not { } baseUrl)
        {
            return null;
        }

        var response = await _http.GetAsync(new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + certificateId), cancel);
        return (response.Read(AcmeJson.RenewalInfo), response.RetryAfter);
    }

    /// <summary>A PKCS#10 request for the names over <paramref name="key"/>; every name is a SAN, the first is also the CN.</summary>
    public static byte[] CreateCsr(ECDsa key, IReadOnlyList<string> names)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + names[0]), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in names)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }

    private async Task<T> PollAsync<T>(Uri url, JsonMessage<T> message, Func<T, bool> unfinished, CancellationToken cancel)
        where T : class
    {
        var deadline = _time.GetUtcNow() + PollBudget;
        while (true)
        {
            var response = await _http.PostAsGetAsync(url, cancel);
            var value = response.Read(message);
            if (!unfinished(value))
            {
                return value;
            }

            var now = _time.GetUtcNow();
            if (now > deadline)
            {
                throw new TimeoutException($"the CA left {url} unfinished for {PollBudget.TotalMinutes} minutes");
            }

            var wait = response.RetryAfter is { } at ? at - now : DefaultPoll;
            await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxPoll ? MaxPoll : wait, _time, cancel);
        }
    }
}
