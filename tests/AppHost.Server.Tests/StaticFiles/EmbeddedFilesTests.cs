using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.StaticFiles;

/// <summary>
/// The sample app's wwwroot/ (site.css, img/icon.svg), built into it and served by
/// <c>app.MapEmbeddedFiles(WwwRoot.Files)</c>, through the real server.
/// </summary>
public sealed class EmbeddedFilesTests(HttpsServerFixture server) : IClassFixture<HttpsServerFixture>
{
    private static readonly string WwwRoot = SampleApp.SourceFolder("wwwroot");

    [Theory]
    [InlineData("/site.css", "site.css", "text/css; charset=utf-8")]
    [InlineData("/img/icon.svg", "img/icon.svg", "image/svg+xml")]
    public async Task FileIsServedAsItIsInWwwRoot(string path, string source, string contentType)
    {
        using var response = await GetAsync(path, ("Accept-Encoding", "identity"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(WwwRoot, source)), await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
    }

    [Theory]
    [InlineData("br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("gzip, deflate, br", "br")] // equal q: Brotli, the smaller
    [InlineData("gzip;q=1, br;q=0.5", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("*", "br")]
    [InlineData("*;q=0.1, br;q=0", "gzip")]
    [InlineData("identity", "")]
    [InlineData("identity;q=1, br;q=0.5", "")]
    [InlineData("identity;q=0.5, br", "br")]
    [InlineData("deflate", "")]
    public async Task CodingIsChosenByAcceptEncodingAndDecodesToTheFile(string acceptEncoding, string coding)
    {
        using var response = await GetAsync("/site.css", ("Accept-Encoding", acceptEncoding));
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(coding, string.Join(',', response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(WwwRoot, "site.css")), Decode(body, coding));
    }

    [Fact]
    public async Task IfNoneMatchGives304ForTheSameRepresentationOnly()
    {
        using var first = await GetAsync("/site.css", ("Accept-Encoding", "br"));
        string entityTag = first.Headers.ETag!.ToString();
        Assert.False(first.Headers.ETag.IsWeak);

        using var same = await GetAsync("/site.css", ("Accept-Encoding", "br"), ("If-None-Match", entityTag));
        using var weak = await GetAsync("/site.css", ("Accept-Encoding", "br"), ("If-None-Match", $"\"other\", W/{entityTag}"));
        using var otherCoding = await GetAsync("/site.css", ("Accept-Encoding", "gzip"), ("If-None-Match", entityTag));

        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Empty(await same.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherCoding.StatusCode);
    }

    [Theory]
    [InlineData("bytes=0-9", 0, 10)]
    [InlineData("bytes=10-", 10, -1)]
    [InlineData("bytes=-5", -5, 5)]
    [InlineData("bytes=100-100000", 100, -1)]
    public async Task RangeGives206WithThoseBytesOfTheFileItself(string range, int start, int length)
    {
        byte[] file = await File.ReadAllBytesAsync(Path.Combine(WwwRoot, "site.css"));
        int first = start < 0 ? file.Length + start : start;
        int count = length < 0 ? file.Length - first : length;

        // Accept-Encoding as browsers send it: a range is of the file's own bytes all the same.
        using var response = await GetAsync("/site.css", ("Range", range), ("Accept-Encoding", "gzip, br"));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal($"bytes {first}-{first + count - 1}/{file.Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(file[first..(first + count)], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RangeBeyondTheEndGives416()
    {
        long length = new FileInfo(Path.Combine(WwwRoot, "site.css")).Length;
        using var response = await GetAsync("/site.css", ("Range", $"bytes={length}-"));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{length}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task HeadGivesTheHeadersAndNoBody()
    {
        using var client = Client();
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/img/icon.svg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new FileInfo(Path.Combine(WwwRoot, "img/icon.svg")).Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task MissingFileIs404AndEndpointsComeFirst()
    {
        using var missing = await GetAsync("/img/missing.svg");
        using var home = await GetAsync("/");
        using var greeting = await GetAsync("/api/greeting?name=files");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("text/html; charset=utf-8", home.Content.Headers.ContentType!.ToString());
        Assert.Contains("/site.css", await home.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, greeting.StatusCode);
    }

    /// <summary>Paths sent byte for byte (HttpClient would tidy them): none reaches a file outside wwwroot/.</summary>
    [Theory]
    [InlineData("/../AppHostSample.csproj")]
    [InlineData("/img/../../Program.cs")]
    [InlineData("/%2e%2e/Program.cs")]
    [InlineData("/img/%2E%2E/%2E%2E/Program.cs")]
    [InlineData("/img%2f..%2f..%2fProgram.cs")]
    [InlineData("/%2e%2e%2fProgram.cs")]
    [InlineData("/img\\..\\..\\Program.cs")]
    [InlineData("/..%5cProgram.cs")]
    [InlineData("/img/..%5c..%5cProgram.cs")]
    [InlineData("//etc/passwd")]
    public async Task NoEncodingOfAPathReachesOutsideWwwRoot(string path)
    {
        await using var connection = await RawHttps.ConnectAsync(server.App.Address.Port, SslApplicationProtocol.Http11);
        var (status, _) = await connection.GetAsync(path);

        Assert.Matches("^HTTP/1.1 (400|404) ", status);
    }

    private static byte[] Decode(byte[] body, string coding)
    {
        if (coding.Length == 0)
        {
            return body;
        }

        using var input = new MemoryStream(body);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private HttpClient Client() => TestClients.Http11(server.App.Address, server.Certificates.Certificate);

    private async Task<HttpResponseMessage> GetAsync(string path, params (string Name, string Value)[] headers)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }
}
