using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// The OTLP receiver the push tests send to: a push test proves something only if the receiver refuses
/// what a collector's decoder would, and hands on what it accepts.
/// </summary>
public sealed class OtlpReceiverTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    // ExportMetricsServiceRequest { resource_metrics (1) { scope_metrics (2) { metrics (2) {
    //   name (1): "apphost.test", gauge (5) { data_points (1) { as_int (6, sfixed64): 7 } } } } } }
    private static readonly byte[] OneGauge =
        Nested(1, Nested(2, Nested(2, [.. Nested(1, Encoding.UTF8.GetBytes("apphost.test")), .. Nested(5, Nested(1, [6 << 3 | 1, 7, 0, 0, 0, 0, 0, 0, 0]))])));

    [Theory]
    [InlineData("0a64010203", "DecodeError")] // resource_metrics says 100 bytes follow; 3 do
    [InlineData("0a03980601", "request.resource_metrics[0]: field 99 wire type 0")] // a field ResourceMetrics does not have
    [InlineData("0a0a120812062a040a023007", "data_points[0]: field 6 wire type 0")] // as_int as a varint: it is sfixed64
    public async Task BrokenProtobufIsRefusedWith400AndReported(string hex, string reason)
    {
        await using var receiver = await OtlpReceiver.StartAsync();

        using var response = await PostAsync(receiver, Convert.FromHexString(hex), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // The reason is printed before the reply is sent; reading it from the pipe may still take a moment.
        await Poll.UntilAsync(() => Task.FromResult(receiver.Errors.Count > 0), Within, "the refusal reported");
        string error = Assert.Single(receiver.Errors);
        Assert.StartsWith("400 ", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public async Task AProtobufRequestIsAnsweredInProtobufAndHandedOnAsJson()
    {
        await using var receiver = await OtlpReceiver.StartAsync();

        using var response = await PostAsync(receiver, OneGauge, "application/x-protobuf");
        var request = await receiver.WaitForAsync(r => OtlpReceiver.Metrics(r).Any(m => m.GetProperty("name").GetString() == "apphost.test"), Within);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        // An empty ExportMetricsServiceResponse: nothing rejected.
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var point = Assert.Single(OtlpReceiver.Metrics(request)).GetProperty("gauge").GetProperty("dataPoints")[0];
        // Protobuf's JSON mapping writes 64-bit integers as strings.
        Assert.Equal("7", point.GetProperty("asInt").GetString());
        Assert.Empty(receiver.Errors);
    }

    [Fact]
    public async Task AJsonRequestIsAnsweredInJsonAndAnUnknownNameIsRefused()
    {
        await using var receiver = await OtlpReceiver.StartAsync();

        using var refused = await PostAsync(receiver, """{"resourceMetric":[]}"""u8.ToArray(), "application/json");
        using var accepted = await PostAsync(receiver, """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"apphost.test"}]}]}]}"""u8.ToArray(), "application/json");
        // The receiver's lines are read in order: once the second request is seen, the first's refusal is too.
        await receiver.WaitForAsync(r => OtlpReceiver.Metrics(r).Any(m => m.GetProperty("name").GetString() == "apphost.test"), Within);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("{}", await accepted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("no field named \"resourceMetric\"", Assert.Single(receiver.Errors));
    }

    private static async Task<HttpResponseMessage> PostAsync(OtlpReceiver receiver, byte[] body, string contentType)
    {
        using var client = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync(receiver.Endpoint, content);
    }

    // A length-delimited field (wire type 2); every message here is under 128 bytes, so its length is one byte.
    private static byte[] Nested(int field, byte[] body) => [(byte)(field << 3 | 2), (byte)body.Length, .. body];
}
