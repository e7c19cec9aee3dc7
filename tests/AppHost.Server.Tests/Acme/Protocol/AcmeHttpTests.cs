using System.Diagnostics;
using System.Security.Cryptography;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Acme.Protocol;

/// <summary>The transport's retries and ARI, against a fake CA that answers what Pebble 2.4.0 cannot.</summary>
public sealed class AcmeHttpTests : IDisposable
{
    private static readonly FakeResponse Account = new(200, """{"status":"valid"}""", Location: "/acct/1");
    private static readonly FakeResponse BadNonce = FakeResponse.Problem(400, AcmeProblem.BadNonce, "JWS has an invalid anti-replay nonce");

    private readonly ECDsa _accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly HttpClient _http = AcmeHttpClient.Create(extraRoots: null);
    private readonly CancellationTokenSource _cancel = new(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task BadNonceIsRetriedWithTheNonceTheRejectionCarried()
    {
        await using var ca = await FakeAcmeServer.StartAsync();
        int calls = 0;
        ca.On("/new-acct", _ => Interlocked.Increment(ref calls) <= 2 ? BadNonce : Account);

        var client = await ConnectAsync(ca);
        var url = await client.FindOrCreateAccountAsync(null, _cancel.Token);

        var tries = ca.To("/new-acct");
        Assert.Equal(3, tries.Count);
        Assert.Equal(tries[0].NonceSent, tries[1].Request.Nonce);
        Assert.Equal(tries[1].NonceSent, tries[2].Request.Nonce);
        Assert.Equal(ca.BaseUrl + "/acct/1", url.AbsoluteUri);
    }

    [Fact]
    public async Task BadNonceRetriesStopAfterABound()
    {
        await using var ca = await FakeAcmeServer.StartAsync();
        ca.On("/new-acct", _ => BadNonce);

        var client = await ConnectAsync(ca);
        var e = await Assert.ThrowsAsync<AcmeProblemException>(() => client.FindOrCreateAccountAsync(null, _cancel.Token));

        Assert.Equal(AcmeProblem.BadNonce, e.Problem.Type);
        Assert.Equal(11, ca.To("/new-acct").Count); // the first try and ten retries
    }

    [Fact]
    public async Task TooManyRequestsIsWaitedOutPerRetryAfterInSeconds()
    {
        await using var ca = await FakeAcmeServer.StartAsync();
        int calls = 0;
        ca.On("/new-acct", _ => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Problem(429, AcmeProblem.RateLimited, "slow down", retryAfter: "1")
            : Account);

        var client = await ConnectAsync(ca);
        var clock = Stopwatch.StartNew();
        await client.FindOrCreateAccountAsync(null, _cancel.Token);

        var tries = ca.To("/new-acct");
        Assert.Equal(2, tries.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed.TotalSeconds} s, before the 1 s asked");
        // Signed anew: the retry carries the nonce the 429 answer gave, not the one already used.
        Assert.Equal(tries[0].NonceSent, tries[1].Request.Nonce);
    }

    [Fact]
    public async Task ServiceUnavailableIsWaitedOutPerRetryAfterAsAnHttpDate()
    {
        await using var ca = await FakeAcmeServer.StartAsync();
        int calls = 0;
        // HTTP dates have whole seconds: two seconds ahead is at least one second of wait.
        ca.On("/new-acct", _ => Interlocked.Increment(ref calls) == 1
            ? new FakeResponse(503, "down for maintenance", "text/plain", DateTimeOffset.UtcNow.AddSeconds(2).ToString("R"))
            : Account);

        var client = await ConnectAsync(ca);
        var clock = Stopwatch.StartNew();
        await client.FindOrCreateAccountAsync(null, _cancel.Token);

        Assert.Equal(2, ca.To("/new-acct").Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed.TotalSeconds} s");
    }

    [Fact]
    public async Task ALongRetryAfterGoesBackToTheCallerWithTheProblemAndTheTime()
    {
        await using var ca = await FakeAcmeServer.StartAsync();
        ca.On("/new-acct", _ => FakeResponse.Problem(429, AcmeProblem.RateLimited, "too many certificates for this name", retryAfter: "3600"));

        var client = await ConnectAsync(ca);
        var e = await Assert.ThrowsAsync<AcmeProblemException>(() => client.FindOrCreateAccountAsync(null, _cancel.Token));

        Assert.Single(ca.To("/new-acct"));
        Assert.Equal(AcmeProblem.RateLimited, e.Problem.Type);
        Assert.Equal("urn:ietf:params:acme:error:rateLimited: too many certificates for this name", e.Message);
        Assert.InRange(e.RetryAfter!.Value, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
    }

    [Fact]
    public async Task RenewalInfoIsReadAndTheNewOrderNamesTheCertificateItReplaces()
    {
        await using var ca = await FakeAcmeServer.StartAsync(renewalInfo: true);
        ca.On("/new-acct", _ => Account);
        ca.On("/ari/", _ => new FakeResponse(200,
            """{"suggestedWindow":{"start":"2026-12-05T00:00:00Z","end":"2026-12-06T00:00:00Z"}}""", RetryAfter: "21600"));
        ca.On("/new-order", _ => new FakeResponse(201,
            """{"status":"pending","identifiers":[{"type":"dns","value":"a.example.com"}],"authorizations":[],"finalize":"http://127.0.0.1/f"}""",
            Location: "/order/1"));

        var client = await ConnectAsync(ca);
        await client.FindOrCreateAccountAsync(null, _cancel.Token);
        var (info, retryAfter) = (await client.GetRenewalInfoAsync("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", _cancel.Token))!.Value;
        await client.NewOrderAsync(["a.example.com"], "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", _cancel.Token);

        Assert.Equal("/ari/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", Assert.Single(ca.To("/ari/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE")).Request.Path);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), info.SuggestedWindow.Start);
        Assert.InRange(retryAfter!.Value, DateTimeOffset.UtcNow.AddHours(5.9), DateTimeOffset.UtcNow.AddHours(6.1));
        Assert.Contains("\"replaces\":\"aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE\"", Assert.Single(ca.To("/new-order")).Request.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutRenewalInfoThereIsNoAriAndNoReplaces()
    {
        await using var ca = await FakeAcmeServer.StartAsync(renewalInfo: false);
        ca.On("/new-acct", _ => Account);
        ca.On("/new-order", _ => new FakeResponse(201,
            """{"status":"pending","identifiers":[],"authorizations":[],"finalize":"http://127.0.0.1/f"}""", Location: "/order/1"));

        var client = await ConnectAsync(ca);
        await client.FindOrCreateAccountAsync(null, _cancel.Token);

        Assert.Null(await client.GetRenewalInfoAsync("x.y", _cancel.Token));
        await client.NewOrderAsync(["a.example.com"], "x.y", _cancel.Token);
        Assert.Equal("""{"identifiers":[{"type":"dns","value":"a.example.com"}]}""", Assert.Single(ca.To("/new-order")).Request.Payload);
    }

    public void Dispose()
    {
        _accountKey.Dispose();
        _http.Dispose();
        _cancel.Dispose();
    }

    private Task<AcmeClient> ConnectAsync(FakeAcmeServer ca) =>
        AcmeClient.ConnectAsync(_http, ca.DirectoryUrl, _accountKey, TimeProvider.System, _cancel.Token);
}
