using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using AppHost.Metrics.Otlp;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// The hand-written OTLP encoder, in process, judged by OTLP's official generated classes (<see cref="OtlpReceiver"/>):
/// every attribute type, and a request far larger than its first buffer, whose lengths take several bytes.
/// </summary>
public sealed class OtlpEncodingTests
{
    // Enough points that the request passes 1 MiB: the buffer grows many times over its 16 KiB start,
    // and the outer messages' lengths take four bytes.
    private const int Points = 20_000;

    private static readonly TimeSpan ArrivalWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AMegabyteRequestOfEveryAttributeTypeDecodesAsWritten()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var buffer = new ProtobufWriter();
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var otlp = new OtlpMetricsWriter(buffer, start, start.AddSeconds(60), [new("service.name", "encoder-test")]);
        otlp.BeginScope("Encoder.Test", "1.2.3");
        otlp.BeginMetric("test.values", "Every attribute type.", "{value}", OtlpKind.UpDownCounter);
        for (int i = 0; i < Points; i++)
        {
            otlp.NumberPoint([new("index", i), new("negative", -5L), new("flag", i % 2 == 0), new("ratio", 0.25), new("nothing", null),
                new("name", $"series-{i}"), new("small", (short)7), new("single", 1.5f)], i * 0.5);
        }

        otlp.EndMetric();
        otlp.BeginMetric("test.duration", null, "s", OtlpKind.Histogram);
        otlp.HistogramPoint([new("route", "/a")], 6, 1.25, [1, 2, 3], [0.1, 1]);
        otlp.EndMetric();
        otlp.EndScope();
        var body = otlp.Finish();

        using var client = new HttpClient();
        using var content = new ByteArrayContent(body.Array!, body.Offset, body.Count) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } };
        using var response = await client.PostAsync(receiver.Endpoint, content);
        var request = await receiver.WaitForAsync(_ => true, ArrivalWait);

        Assert.True(body.Count > 1024 * 1024, $"the request is {body.Count} bytes, not over 1 MiB");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: [{string.Join("; ", receiver.Errors)}]");
        var scope = request.GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics")[0];
        Assert.Equal("1.2.3", scope.GetProperty("scope").GetProperty("version").GetString());
        var values = scope.GetProperty("metrics")[0];
        Assert.False(values.GetProperty("sum").TryGetProperty("isMonotonic", out _));
        var points = values.GetProperty("sum").GetProperty("dataPoints");
        Assert.Equal(Points, points.GetArrayLength());
        var last = points[Points - 1];
        Assert.Equal((Points - 1) * 0.5, last.GetProperty("asDouble").GetDouble());
        Assert.Equal("1800000000000000000", last.GetProperty("startTimeUnixNano").GetString());
        var attributes = last.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value"));
        Assert.Equal((Points - 1).ToString(CultureInfo.InvariantCulture), attributes["index"].GetProperty("intValue").GetString());
        Assert.Equal("-5", attributes["negative"].GetProperty("intValue").GetString());
        Assert.False(attributes["flag"].GetProperty("boolValue").GetBoolean());
        Assert.Equal(0.25, attributes["ratio"].GetProperty("doubleValue").GetDouble());
        Assert.Equal(JsonValueKind.Object, attributes["nothing"].ValueKind);
        Assert.Equal($"series-{Points - 1}", attributes["name"].GetProperty("stringValue").GetString());
        Assert.Equal("7", attributes["small"].GetProperty("intValue").GetString());
        Assert.Equal(1.5, attributes["single"].GetProperty("doubleValue").GetDouble());
        var histogram = scope.GetProperty("metrics")[1].GetProperty("histogram").GetProperty("dataPoints")[0];
        Assert.Equal(["1", "2", "3"], histogram.GetProperty("bucketCounts").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal([0.1, 1], histogram.GetProperty("explicitBounds").EnumerateArray().Select(b => b.GetDouble()));
        Assert.Equal(1.25, histogram.GetProperty("sum").GetDouble());
    }
}
