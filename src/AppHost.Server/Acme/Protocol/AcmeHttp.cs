using System.Net;
using System.Net.Http.Headers;

namespace AppHost.Acme.Protocol;

/// <summary>
/// ACME's transport (RFC 8555 §6): signed POSTs with a fresh nonce each, POST-as-GET, and the retries
/// the protocol expects of a client: a rejected nonce is retried with the nonce its error carried, and
/// a 429 or 503 is retried after the CA's Retry-After, a bounded number of times each.
/// </summary>
internal sealed class AcmeHttp(HttpClient http, JwsSigner signer, TimeProvider time)
{
    // RFC 8555 §6.5 lets a CA reject any nonce; Pebble rejects a configurable share at random. With
    // ten retries a request fails at Pebble's 50% rate once in 2048 (acmez allows ten too); a real CA
    // rejecting eleven fresh nonces in a row is broken, not unlucky.
    private const int MaxBadNonceRetries = 10;

    // 429 and 503 are waited out here only when the CA asks for a short wait; longer waits
    // (rate limits of hours) go back to the caller's backoff, which survives restarts.
    private const int MaxBusyRetries = 3;
    private static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(60);

    // Without Retry-After, 1 s then doubling, as x/crypto/acme does for 5xx.
    private static readonly TimeSpan FirstBusyWait = TimeSpan.FromSeconds(1);

    private readonly NoncePool _nonces = new();

    /// <summary>The directory's newNonce, where a nonce is fetched when the pool is empty.</summary>
    public Uri? NewNonceUrl { get; set; }

    /// <summary>The account's URL once known; requests then name it (kid) instead of carrying the key.</summary>
    public Uri? AccountUrl { get; set; }

    public JwsSigner Signer => signer;

    /// <summary>An unsigned GET, for the directory and renewalInfo (RFC 9773 §4.2).</summary>
    public Task<AcmeResponse> GetAsync(Uri url, CancellationToken cancel) =>
        SendAsync(() => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, url)), cancel);

    /// <summary>A signed POST of a JSON payload; with <paramref name="withJwk"/> the key itself goes in the header (newAccount).</summary>
    public Task<AcmeResponse> PostAsync(Uri url, byte[] payload, CancellationToken cancel, bool withJwk = false) =>
        SignedAsync(url, payload, withJwk, cancel);

    /// <summary>POST-as-GET (RFC 8555 §6.3): reading a resource with an empty, signed payload.</summary>
    public Task<AcmeResponse> PostAsGetAsync(Uri url, CancellationToken cancel) =>
        SignedAsync(url, [], withJwk: false, cancel);

    private async Task<AcmeResponse> SignedAsync(Uri url, byte[] payload, bool withJwk, CancellationToken cancel)
    {
        Uri? kid = withJwk ? null : AccountUrl ?? throw new InvalidOperationException("no ACME account yet: register before signing with kid");
        for (int badNonces = 0; ; badNonces++)
        {
            try
            {
                // Signed anew for every try, a 429's retry too: a nonce is good for one request only.
                return await SendAsync(async () =>
                {
                    byte[] body = signer.Sign(url, await TakeNonceAsync(cancel), kid, payload);
                    return new HttpRequestMessage(HttpMethod.Post, url)
                    {
                        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/jose+json") } },
                    };
                }, cancel);
            }
            catch (AcmeProblemException e) when (e.Problem.Type == AcmeProblem.BadNonce && badNonces < MaxBadNonceRetries)
            {
                // The error response's Replay-Nonce is already on top of the pool (RFC 8555 §6.5): the retry uses it.
            }
        }
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancel)
    {
        if (_nonces.TryTake(out string nonce))
        {
            return nonce;
        }

        var url = NewNonceUrl ?? throw new InvalidOperationException("the ACME directory has not been read yet");
        await SendAsync(() => Task.FromResult(new HttpRequestMessage(HttpMethod.Head, url)), cancel);
        return _nonces.TryTake(out nonce) ? nonce : throw new InvalidDataException($"the CA's newNonce ({url}) sent no Replay-Nonce header");
    }

    private async Task<AcmeResponse> SendAsync(Func<Task<HttpRequestMessage>> create, CancellationToken cancel)
    {
        for (int busy = 0; ; busy++)
        {
            using var request = await create();
            // Off the socket's own thread before any of this order's work: with inline socket
            // completions (ServerCommand) the answer arrives on the thread that serves every socket's
            // events, and signing, parsing and saving a certificate there would hold them all up.
            using var response = await http.SendAsync(request, cancel).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            if (response.Headers.TryGetValues("Replay-Nonce", out var replayNonces))
            {
                foreach (string value in replayNonces)
                {
                    _nonces.Add(value);
                }
            }

            var retryAfter = RetryAfter(response.Headers.RetryAfter, time.GetUtcNow());
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancel);
            string? contentType = response.Content.Headers.ContentType?.MediaType;
            if (response.IsSuccessStatusCode)
            {
                return new AcmeResponse(response.StatusCode, response.Headers.Location, retryAfter, contentType, body);
            }

            var problem = ReadProblem(response.StatusCode, contentType, body);
            bool retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
            var wait = (retryAfter ?? time.GetUtcNow() + FirstBusyWait * (1 << busy)) - time.GetUtcNow();
            if (!retryable || busy >= MaxBusyRetries || wait > MaxInlineWait)
            {
                throw new AcmeProblemException(problem, response.StatusCode, retryAfter);
            }

            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancel);
        }
    }

    /// <summary>Retry-After as a point in time: the header holds seconds or an HTTP-date (RFC 9110 §10.2.3).</summary>
    internal static DateTimeOffset? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header switch
        {
            { Delta: { } delta } => now + delta,
            { Date: { } date } => date,
            _ => null,
        };

    private static AcmeProblem ReadProblem(HttpStatusCode status, string? contentType, byte[] body)
    {
        if (contentType is "application/problem+json" or "application/json")
        {
            try
            {
                return AcmeJson.Problem.Parse(body);
            }
            catch (InvalidDataException)
            {
                // Not a problem document after all; described from the status below.
            }
        }

        // Not ACME's answer (a proxy's error page, a CA outage): say what came back, briefly.
        string text = System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200))).ReplaceLineEndings(" ");
        return new AcmeProblem(Detail: $"HTTP {(int)status} {status} {text}".TrimEnd(), Status: (int)status);
    }
}
