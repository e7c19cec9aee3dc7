using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppHost.Acme.Challenges;
using AppHost.Acme.Protocol;
using AppHost.Acme.Renewal;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Acme.Renewal;

/// <summary>The order flow against a real ACME CA (Pebble 2.4.0 in -strict mode).</summary>
public sealed class PebbleOrderTests
{
    // A whole order against Pebble with PEBBLE_VA_NOSLEEP takes about a second; a minute is for a busy machine.
    private static readonly TimeSpan OrderTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Http01IssuesAChainThatValidatesAgainstPebblesRootDespiteRejectedNonces()
    {
        var pending = new PendingChallenges();
        await using var responder = await Http01Responder.StartAsync(pending);
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: responder.Port, NonceRejectPercent: 50));
        using var cancel = new CancellationTokenSource(OrderTimeout);
        var badNonces = new BadNonceCounter();
        using var http = pebble.CreateHttpClient(badNonces);
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = await AcmeClient.ConnectAsync(http, pebble.DirectoryUrl, accountKey, TimeProvider.System, cancel.Token);
        await client.FindOrCreateAccountAsync("ops@example.com", cancel.Token);

        var issued = await new CertificateOrder(client, pending).ObtainAsync("http01.example.com", new ChallengeChoice(PlainHttpListener: true, PreferHttp01: true), null, cancel.Token);

        Assert.Equal(ChallengeChoice.Http01, issued.ChallengeType);
        Assert.True(responder.Answered > 0);
        // About a dozen signed requests at 50%: none rejected happens with odds of 1 in 4096.
        Assert.True(badNonces.Count > 0, "Pebble rejected no nonce, so the retry was not exercised");
        using var leaf = X509Certificate2.CreateFromPem(issued.ChainPem, issued.KeyPem);
        Assert.Equal("http01.example.com", leaf.GetNameInfo(X509NameType.DnsName, forIssuer: false));
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal("1.2.840.10045.2.1", leaf.GetKeyAlgorithm()); // ECDSA
        AssertChainValidates(issued.ChainPem, pebble.IssuingRoot);
    }

    [Fact]
    public async Task AccountIsFoundByItsKeyOnARestart()
    {
        await using var pebble = await PebbleFixture.StartAsync();
        using var cancel = new CancellationTokenSource(OrderTimeout);
        using var http = pebble.CreateHttpClient();
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var first = await AcmeClient.ConnectAsync(http, pebble.DirectoryUrl, accountKey, TimeProvider.System, cancel.Token);
        var created = await first.FindOrCreateAccountAsync(null, cancel.Token);
        var second = await AcmeClient.ConnectAsync(http, pebble.DirectoryUrl, accountKey, TimeProvider.System, cancel.Token);
        var found = await second.FindOrCreateAccountAsync(null, cancel.Token);

        Assert.Equal(created, found);
        // First start: a lookup, refused, then the creation. The restart: one lookup, nothing created.
        Assert.Equal(3, await pebble.CountInLogAsync("POST /sign-me-up"));
        Assert.Equal(1, await pebble.CountInLogAsync("There are now 1 accounts in memory"));
    }

    [Fact]
    public async Task FailedValidationThrowsTheCasProblemAndWithdrawsTheChallenge()
    {
        var pending = new PendingChallenges();
        // Nothing listens on Pebble's httpPort: the CA's connection is refused.
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: FreePorts.Take()));
        using var cancel = new CancellationTokenSource(OrderTimeout);
        using var http = pebble.CreateHttpClient();
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = await AcmeClient.ConnectAsync(http, pebble.DirectoryUrl, accountKey, TimeProvider.System, cancel.Token);
        await client.FindOrCreateAccountAsync(null, cancel.Token);

        var e = await Assert.ThrowsAsync<AcmeProblemException>(() =>
            new CertificateOrder(client, pending).ObtainAsync("refused.example.com", new ChallengeChoice(PlainHttpListener: true, PreferHttp01: true), null, cancel.Token));

        Assert.Equal(ChallengeChoice.Http01, e.ChallengeType);
        Assert.StartsWith("urn:ietf:params:acme:error:", e.Problem.Type, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(e.Problem.Detail));
        Assert.False(pending.AnyTlsAlpn01);
    }

    [Fact]
    public async Task TlsAlpn01KeyAuthorizationIsUpForTheNameWhileTheCaConnectsAndDownAfter()
    {
        var pending = new PendingChallenges();
        // Stands where the TLS-ALPN-01 responder will: notes what is pending when the CA connects, then hangs up.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var seen = new ConcurrentQueue<string?>();
        using var stopAccepting = new CancellationTokenSource();
        var accepting = AcceptAsync(listener, () => seen.Enqueue(pending.TlsAlpn01KeyAuthorization("alpn.example.com")), stopAccepting.Token);
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(TlsPort: ((IPEndPoint)listener.LocalEndpoint).Port));
        using var cancel = new CancellationTokenSource(OrderTimeout);
        using var http = pebble.CreateHttpClient();
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = await AcmeClient.OpenAccountAsync(http, pebble.DirectoryUrl, accountKey, null, TimeProvider.System, cancel.Token);

        var e = await Assert.ThrowsAsync<AcmeProblemException>(() =>
            new CertificateOrder(client, pending).ObtainAsync("alpn.example.com", new ChallengeChoice(PlainHttpListener: false), null, cancel.Token));
        await stopAccepting.CancelAsync();
        await accepting;

        Assert.Equal(ChallengeChoice.TlsAlpn01, e.ChallengeType);
        Assert.NotEmpty(seen);
        Assert.All(seen, keyAuthorization => Assert.EndsWith("." + client.Signer.Thumbprint, keyAuthorization, StringComparison.Ordinal));
        Assert.False(pending.AnyTlsAlpn01);
    }

    [Fact]
    public async Task PebblesHttpsIsRefusedWithoutItsCertificateAsARoot()
    {
        await using var pebble = await PebbleFixture.StartAsync();
        using var systemRootsOnly = AcmeHttpClient.Create(extraRoots: null);
        using var otherRoot = new TestCertificates();
        using var wrongRoots = AcmeHttpClient.Create([otherRoot.ChainRoot]);

        await Assert.ThrowsAsync<HttpRequestException>(() => systemRootsOnly.GetAsync(pebble.DirectoryUrl));
        await Assert.ThrowsAsync<HttpRequestException>(() => wrongRoots.GetAsync(pebble.DirectoryUrl));
        using var trusted = pebble.CreateHttpClient();
        using var response = await trusted.GetAsync(pebble.DirectoryUrl);
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task TheCasNameMustMatchEvenWithItsCertificateTrusted()
    {
        await using var pebble = await PebbleFixture.StartAsync();
        var handler = AcmeHttpClient.CreateHandler(AcmeHttpClient.LoadRoots(pebble.CaFile));
        // Every name connects to Pebble, so only the name in the URL differs between the two requests.
        handler.ConnectCallback = async (context, cancel) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancel);
            return new NetworkStream(socket, ownsSocket: true);
        };
        using var http = new HttpClient(handler, disposeHandler: true);

        using var named = await http.GetAsync(new UriBuilder(pebble.DirectoryUrl) { Host = "localhost" }.Uri);
        Assert.True(named.IsSuccessStatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new UriBuilder(pebble.DirectoryUrl) { Host = "ca.example.com" }.Uri));
    }

    private static async Task AcceptAsync(TcpListener listener, Action onConnection, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using var connection = await listener.AcceptTcpClientAsync(stop);
                onConnection();
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }

    internal static void AssertChainValidates(string chainPem, X509Certificate2 root)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(chainPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(all);
        bool valid = chain.Build(all[0]);
        Assert.True(valid, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        foreach (var certificate in all)
        {
            certificate.Dispose();
        }
    }

    /// <summary>Counts the CA's badNonce answers, which Pebble does not log.</summary>
    private sealed class BadNonceCounter : DelegatingHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            if ((await response.Content.ReadAsStringAsync(cancellationToken)).Contains(AcmeProblem.BadNonce, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }

            return response;
        }
    }
}
