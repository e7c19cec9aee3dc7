using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// The certificate metrics follow the certificate in service: its expiry after a reload, and after an
/// ACME renewal from a real CA (Pebble), with the orders counted by outcome.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class CertificateMetricsTests(NativeAppFixture native) : IDisposable
{
    private const string Domain = "shop.test";
    private const string Expiry = "apphost_certificate_expiry_timestamp_seconds";

    // An ACME order here takes about a second, a renewal of a 40-second certificate comes after about 27;
    // a CI machine busy with a native publish may take much longer.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _folder = new();

    [Fact]
    public async Task CertificateExpiryIsTheServedCertificatesNotAfterAndFollowsAReload()
    {
        // Expiries a day apart, in whole seconds as a certificate holds them, so the second is told from the first.
        var first = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds());
        var second = first.AddDays(1);
        string cert = Path.Combine(_folder.Path, "cert.pem");
        string key = Path.Combine(_folder.Path, "key.pem");
        WritePair(cert, key, first);
        await using var app = await SampleApp.StartAsync(["--cert", cert, "--key", key, "--metrics-port", "0"], environment: null, executable: await native.WithMetricsAsync());

        var before = Assert.Single((await Exposition.ScrapeAsync(app.MetricsAddress!)).Of(Expiry));
        WritePair(cert, key, second);
        app.Process.Signal(PosixSignal.SIGHUP);

        Assert.Contains($"name=\"{cert}\"", before.Key, StringComparison.Ordinal);
        Assert.Equal(first.ToUnixTimeSeconds(), before.Value);
        await Poll.UntilAsync(async () => (await Exposition.ScrapeAsync(app.MetricsAddress!)).Of(Expiry).Single().Value == second.ToUnixTimeSeconds(),
            Deadline, "the expiry metric to follow the reloaded certificate");
    }

    [Fact]
    public async Task AcmeOrdersAreCountedAndTheExpiryFollowsARenewal()
    {
        int https = FreePorts.Take();
        // A 40-second certificate is renewed after about 27 s (when a third of its life is left).
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(TlsPort: https, CertificateValiditySeconds: 40));
        await using var app = await RunningApp.LaunchAsync(await native.WithMetricsAsync(),
        [
            "--host", "127.0.0.1", "--port", $"{https}", "--acme-domain", Domain, "--acme-directory", pebble.DirectoryUrl.ToString(),
            "--acme-ca-file", pebble.CaFile, "--state-dir", _folder.Path, "--metrics-port", "0",
        ]);
        string instance = $"127.0.0.1:{app.MetricsAddress!.Port}";
        await using var prometheus = await PrometheusServer.StartAsync(instance);
        var issued = await VerifyingTls.WaitForCertificateAsync(https, Domain, pebble.IssuingRoot, Deadline);

        var afterFirst = await ScrapeUntilAsync(app, s => s.Samples.GetValueOrDefault(Orders("new", "obtained")) == 1, "the first order counted");
        var renewed = issued;
        await Poll.UntilAsync(async () =>
        {
            renewed = await VerifyingTls.HandshakeAsync(https, Domain, pebble.IssuingRoot);
            return renewed.SerialNumber != issued.SerialNumber;
        }, Deadline, "the renewed certificate on a new handshake");
        var afterRenewal = await ScrapeUntilAsync(app, s => s.Samples.GetValueOrDefault(Orders("renewal", "obtained")) == 1, "the renewal counted");

        Assert.Equal(UnixSeconds(issued.NotAfter), afterFirst.Samples[$"{Expiry}{{name=\"{Domain}\"}}"]);
        Assert.Equal(1, afterFirst.Samples[Orders("new", "obtained")]);
        Assert.Equal(UnixSeconds(renewed.NotAfter), afterRenewal.Samples[$"{Expiry}{{name=\"{Domain}\"}}"]);
        Assert.Equal(1, afterRenewal.Samples[Orders("new", "obtained")]);
        Assert.Equal(1, afterRenewal.Samples[Orders("renewal", "obtained")]);
        Assert.Equal(0, afterRenewal.Samples[Orders("new", "failed")]);
        Assert.Equal(0, afterRenewal.Samples[Orders("renewal", "failed")]);
        string lastObtained = $"apphost_acme_last_obtained_timestamp_seconds{{name=\"{Domain}\"}}";
        Assert.InRange(afterRenewal.Samples[lastObtained], afterFirst.Samples[lastObtained] + 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        // The dashboard's ACME panels, as Grafana asks them for this instance, find its series in a real Prometheus.
        var acmePanels = GrafanaDashboard.Load().Queries.Where(query => query.IsAboutAcme).ToList();
        Assert.NotEmpty(acmePanels);
        foreach (var query in acmePanels)
        {
            string asked = query.For("apphost", instance, "1m");
            await Poll.UntilAsync(async () => await prometheus.SeriesAsync(asked) > 0, Deadline, $"{query} finding a series: {asked}");
        }
    }

    public void Dispose() => _folder.Dispose();

    private static string Orders(string kind, string outcome) =>
        $"apphost_acme_orders_total{{kind=\"{kind}\",name=\"{Domain}\",outcome=\"{outcome}\"}}";

    private static double UnixSeconds(DateTime notAfter) => new DateTimeOffset(notAfter.ToUniversalTime()).ToUnixTimeSeconds();

    private static async Task<Exposition> ScrapeUntilAsync(RunningApp app, Func<Exposition, bool> done, string what)
    {
        Exposition? scrape = null;
        await Poll.UntilAsync(async () => done(scrape = await Exposition.ScrapeAsync(app.MetricsAddress!)), Deadline, what);
        return scrape!;
    }

    /// <summary>Writes a self-signed certificate for localhost and its key, each by atomic rename, the key first.</summary>
    private static void WritePair(string cert, string key, DateTimeOffset notAfter)
    {
        var pair = TestCertificates.NewPemPair(notAfter);
        TestCertificates.ReplaceByRename(key, pair.KeyPem);
        TestCertificates.ReplaceByRename(cert, pair.CertificatePem);
    }
}
