using System.Collections.Concurrent;
using System.Security.Cryptography;
using AppHost.Acme.Challenges;
using AppHost.Acme.Protocol;
using AppHost.Acme.Renewal;
using AppHost.Certificates;
using AppHost.Server.Tests.Infrastructure;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AppHost.Server.Tests.Acme.Renewal;

/// <summary>The background loop against Pebble: first order, renewal, a shared folder, failures.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CertificateMaintainerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ACertificateIsObtainedAndRenewedBeforeItExpires()
    {
        var pending = new PendingChallenges();
        await using var responder = await Http01Responder.StartAsync(pending);
        // 30 s certificates: renewed a third before expiry, after about 20 s (no jitter here).
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: responder.Port, CertificateValiditySeconds: 30));
        using var state = new TempDirectory();
        await using var run = Run(pebble, state.Path, pending, out var handed, out var events);

        await Poll.UntilAsync(() => Task.FromResult(handed.Count >= 2), Deadline, "a first certificate and its renewal");

        var (first, second) = (handed.ElementAt(0).Certificate, handed.ElementAt(1).Certificate);
        Assert.NotEqual(first.Leaf.Thumbprint, second.Leaf.Thumbprint);
        Assert.True(DateTime.UtcNow < first.Leaf.NotAfter.ToUniversalTime(), "the renewal came after the first certificate expired");
        Assert.True(second.Leaf.HasPrivateKey);
        PebbleOrderTests.AssertChainValidates(new CertificateStore(StoreFolder(state.Path, pebble)).ReadChainPem("renew.example.com")!, pebble.IssuingRoot);
        Assert.Equal(2, await pebble.CountInLogAsync("POST /order-plz"));
        Assert.DoesNotContain(events, e => e.Level >= LogEventLevel.Warning);
        var orders = Assert.Single(run.Orders.Snapshot());
        Assert.Equal(("renew.example.com", 1L, 0L, 1L, 0L), (orders.Name, orders.NewObtained, orders.NewFailed, orders.RenewalObtained, orders.RenewalFailed));
        Assert.InRange(orders.LastObtained!.Value, second.Leaf.NotBefore.ToUniversalTime(), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task TwoMaintainersSharingAFolderOrderOnceAndARestartServesTheStoredCertificate()
    {
        var pending = new PendingChallenges();
        await using var responder = await Http01Responder.StartAsync(pending);
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: responder.Port));
        using var state = new TempDirectory();

        await using (var one = Run(pebble, state.Path, pending, out var handedOne, out _))
        await using (var two = Run(pebble, state.Path, pending, out var handedTwo, out _))
        {
            await Poll.UntilAsync(() => Task.FromResult(!handedOne.IsEmpty && !handedTwo.IsEmpty), Deadline, "both having the certificate");
            Assert.Equal(handedOne.Single().Certificate.Leaf.Thumbprint, handedTwo.Single().Certificate.Leaf.Thumbprint);
        }

        await using (var restarted = Run(pebble, state.Path, pending, out var handedAgain, out _))
        {
            await Poll.UntilAsync(() => Task.FromResult(!handedAgain.IsEmpty), Deadline, "the restarted maintainer handing the stored certificate");
        }

        Assert.Equal(1, await pebble.CountInLogAsync("POST /order-plz"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnExpiredOrDamagedStoredCertificateIsNeverHandedOverAndIsReplaced(bool expired)
    {
        var pending = new PendingChallenges();
        await using var responder = await Http01Responder.StartAsync(pending);
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: responder.Port));
        using var state = new TempDirectory();
        var store = new CertificateStore(StateFolder.Create(StoreFolder(state.Path, pebble)));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var old = SelfSigned.Create(key, ["renew.example.com"], now.AddDays(-7), now.AddDays(-1));
        store.Save(new IssuedCertificate("renew.example.com",
            expired ? old.ExportCertificatePem() : "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            key.ExportPkcs8PrivateKeyPem(), ChallengeType: null));
        await using var run = Run(pebble, state.Path, pending, out var handed, out _);

        await Poll.UntilAsync(() => Task.FromResult(!handed.IsEmpty), Deadline, "a certificate handed over");

        var (_, certificate) = Assert.Single(handed);
        Assert.True(certificate.Leaf.NotAfter.ToUniversalTime() > DateTime.UtcNow);
        PebbleOrderTests.AssertChainValidates(store.ReadChainPem("renew.example.com")!, pebble.IssuingRoot);
        Assert.Equal(1, await pebble.CountInLogAsync("POST /order-plz"));
    }

    [Fact]
    public async Task AFailureIsLoggedAtErrorWithTheCasProblemAndTheNextAttempt()
    {
        var pending = new PendingChallenges();
        // Nobody answers on either challenge port.
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: FreePorts.Take(), TlsPort: FreePorts.Take()));
        using var state = new TempDirectory();
        await using var run = Run(pebble, state.Path, pending, out var handed, out var events);

        await Poll.UntilAsync(() => Task.FromResult(events.Any(e => e.Level == LogEventLevel.Error)), Deadline, "an Error line");

        string line = events.First(e => e.Level == LogEventLevel.Error).RenderMessage();
        Assert.Contains("certificate for renew.example.com not obtained: urn:ietf:params:acme:error:", line, StringComparison.Ordinal);
        Assert.Matches(@"next attempt at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", line);
        Assert.Empty(handed);
        Assert.False(pending.AnyTlsAlpn01);
        // Each failed order counts, the one that failed first with HTTP-01 and the one retried at once with TLS-ALPN-01.
        var orders = Assert.Single(run.Orders.Snapshot());
        Assert.Equal(("renew.example.com", 0L, 0L, 0L), (orders.Name, orders.NewObtained, orders.RenewalObtained, orders.RenewalFailed));
        Assert.InRange(orders.NewFailed, 2, long.MaxValue);
        Assert.Null(orders.LastObtained);
    }

    private static string StoreFolder(string root, PebbleFixture pebble) => StateFolder.ForDirectory(root, pebble.DirectoryUrl);

    /// <summary>
    /// Starts a maintainer for renew.example.com on the state root, HTTP-01 first: the TLS-ALPN-01
    /// responder is not in this package yet, and a failed TLS-ALPN-01 attempt would cost a backoff.
    /// </summary>
    private static RunningMaintainer Run(PebbleFixture pebble, string root, PendingChallenges pending,
        out ConcurrentQueue<(string Name, ServerCertificate Certificate)> handed, out ConcurrentQueue<LogEvent> events)
    {
        var received = handed = new ConcurrentQueue<(string, ServerCertificate)>();
        var sink = new ListSink();
        events = sink.Events;
        string folder = StateFolder.Create(StoreFolder(root, pebble));
        var store = new CertificateStore(folder);
        var http = pebble.CreateHttpClient();
        var key = store.LoadOrCreateAccountKey();
        var log = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        var maintainer = new CertificateMaintainer(["renew.example.com"], new ChallengeChoice(PlainHttpListener: true, PreferHttp01: true), store, pending,
            cancel => AcmeClient.OpenAccountAsync(http, pebble.DirectoryUrl, key, null, TimeProvider.System, cancel),
            (name, certificate) => received.Enqueue((name, certificate)), log, TimeProvider.System, random: () => 0);
        return new RunningMaintainer(maintainer, [http, key, log]);
    }

    private sealed class RunningMaintainer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;
        private readonly IDisposable[] _owned;

        public OrderTally Orders { get; }

        public RunningMaintainer(CertificateMaintainer maintainer, IDisposable[] owned)
        {
            _owned = owned;
            Orders = maintainer.Orders;
            _running = maintainer.RunAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.WaitAsync(TimeSpan.FromSeconds(10)); // a stopped maintainer returns, it never throws
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _stop.Dispose();
        }
    }

    private sealed class ListSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }
}
