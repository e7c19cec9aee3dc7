using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// What a push needs to reach a receiver that is not on this machine: its key, from --otlp-headers-file and
/// never repeated in the log; and HTTPS, trusted through the system's CAs (here OpenSSL's SSL_CERT_FILE).
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class OtlpPushSecurityTests(NativeAppFixture native)
{
    private const string Key = "Bearer k3y-of-the-receiver";

    // Pushes every second; a few of them on a loaded machine.
    private static readonly TimeSpan PushWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheHeadersFileIsSentWithEachPushAndItsValuesAreNeverLogged()
    {
        await using var receiver = await OtlpReceiver.StartAsync(requireHeader: $"Authorization: {Key}");
        using var folder = new TempDirectory();
        string headers = Path.Combine(folder.Path, "otlp-headers");
        // As an operator writes it: a comment, a blank line, Windows and Unix line ends, a second header.
        File.WriteAllText(headers, $"# the collector's key\n\nAuthorization: {Key}\r\nX-Scope-OrgID: shop\n");

        // Without the file the receiver refuses: its check is real.
        await using (var keyless = await native.StartWithMetricsAsync("--otlp-endpoint", receiver.Endpoint.ToString(), "--otlp-interval", "1"))
        {
            await Poll.UntilAsync(() => Task.FromResult(Warnings(keyless).Count > 0), PushWait, "the keyless push's warning");
            Assert.Contains("HTTP 401", Warnings(keyless)[0], StringComparison.Ordinal);
        }

        int refused = receiver.Errors.Count;
        await using var app = await native.StartWithMetricsAsync("--otlp-endpoint", receiver.Endpoint.ToString(), "--otlp-interval", "1", "--otlp-headers-file", headers);
        using var client = new HttpClient { BaseAddress = app.Address };
        (await client.GetAsync("/api/greeting")).EnsureSuccessStatusCode();

        await receiver.WaitForAsync(request => OtlpReceiver.RouteCount(request, "/api/greeting") == 1, PushWait);
        Assert.Equal(refused, receiver.Errors.Count);
        // Named, so an operator sees which were read; never their values.
        var named = Assert.Single(app.LogEvents(), e => e.GetProperty("@mt").GetString() == "OTLP pushes carry the headers {Headers}");
        Assert.Equal("Authorization, X-Scope-OrgID", named.GetProperty("Headers").GetString());
        Assert.DoesNotContain(app.Process.StandardOutput.Concat(app.Process.StandardError), line => line.Contains("k3y", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Authorization Bearer s3cret\n", "line 1: no 'Name:' at its start")]
    [InlineData("# key\nX Key: s3cret\n", "line 2: the header's name has a character HTTP does not allow")]
    [InlineData("Content-Type: text/s3cret\n", "line 1: Content-Type is set by the push itself")]
    [InlineData("X-Key:   \n", "line 1: X-Key has no value")]
    [InlineData("X-Key: s3cret\u0001\n", "line 1: X-Key's value has a character other than printable ASCII")]
    [InlineData("X-Key: s3cr\u00e9t\n", "line 1: X-Key's value has a character other than printable ASCII")]
    public async Task AWrongHeadersFileIsOneLineNamingTheLineButNotTheValue(string content, string expected)
    {
        using var folder = new TempDirectory();
        string headers = Path.Combine(folder.Path, "otlp-headers");
        File.WriteAllText(headers, content);

        var run = await AppExit.RunAsync(["--otlp-endpoint", "http://127.0.0.1:4318", "--otlp-headers-file", headers], executable: await native.WithMetricsAsync());

        run.AssertOneLineError(ExitCodes.Failure, $"OTLP headers file '{headers}', {expected}", "write one 'Name: value' per line");
        Assert.DoesNotContain(run.StandardError, line => line.Contains("s3cr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingHeadersFileOrOneWithoutAnEndpointIsOneLine()
    {
        using var folder = new TempDirectory();
        string missing = Path.Combine(folder.Path, "otlp-headers");

        var notThere = await AppExit.RunAsync(["--otlp-endpoint", "http://127.0.0.1:4318", "--otlp-headers-file", missing], executable: await native.WithMetricsAsync());
        var alone = await AppExit.RunAsync("--otlp-headers-file", missing);

        notThere.AssertOneLineError(ExitCodes.Failure, $"OTLP headers file '{missing}' does not exist", "--otlp-headers-file");
        alone.AssertOneLineError(ExitCodes.Usage, "--otlp-headers-file holds headers for OTLP pushes: add --otlp-endpoint URL");
    }

    [Fact]
    public async Task AnHttpsReceiverIsPushedToThroughItsChainAndAnUntrustedOneIsOneWarning()
    {
        using var certificates = new TestCertificates();
        await using var receiver = await OtlpReceiver.StartAsync(tls: (certificates.ChainPem, certificates.ChainKeyPem));
        // The test CA's root alone, as the machine's CA bundle: the receiver sends its leaf and intermediate.
        string root = Path.Combine(certificates.Directory, "root.pem");
        File.WriteAllText(root, certificates.ChainRoot.ExportCertificatePem());
        string[] args = ["--otlp-endpoint", receiver.Endpoint.ToString(), "--otlp-interval", "1"];

        await using (var trusting = await SampleApp.StartAsync(args, new Dictionary<string, string> { ["SSL_CERT_FILE"] = root }, await native.WithMetricsAsync()))
        {
            using var client = new HttpClient { BaseAddress = trusting.Address };
            (await client.GetAsync("/api/greeting")).EnsureSuccessStatusCode();
            await receiver.WaitForAsync(request => OtlpReceiver.RouteCount(request, "/api/greeting") == 1, PushWait);
            Assert.Empty(Warnings(trusting));
        }

        // The system's own CAs, which do not hold the test root.
        await using var untrusting = await native.StartWithMetricsAsync(args);
        await Poll.UntilAsync(() => Task.FromResult(Warnings(untrusting).Count > 0), PushWait, "the untrusted push's warning");
        Assert.Contains("certificate", Warnings(untrusting)[0], StringComparison.Ordinal);
    }

    // The problems of the push's warnings, in order.
    private static List<string> Warnings(RunningApp app) =>
        [.. app.LogEvents().Where(e => e.GetProperty("@mt").GetString()!.StartsWith("OTLP push to", StringComparison.Ordinal)).Select(e => e.GetProperty("Problem").GetString()!)];
}
