using System.Net;
using AppHost.Listening.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AppHost.Server.Tests.Listening.Forwarding;

/// <summary>
/// --forwarded-by's reader on one request at a time: the balancers are 10.0.0.0/8, the request
/// reaches the server from 10.0.0.2 (port 50000) over plain HTTP unless a test says otherwise.
/// The whole server behind real balancers is in ForwardedByTests and BalancerEndingTlsTests.
/// </summary>
public sealed class ForwardedRequestTests
{
    private static readonly IReadOnlyList<IPNetwork> Trusted = [IPNetwork.Parse("10.0.0.0/8")];

    [Fact]
    public void OneEntryFromATrustedPeerIsTheClientWithPortZero()
    {
        var request = Apply(forwardedFor: ["198.51.100.7"]);

        Assert.Equal(("198.51.100.7", 0), Client(request));
    }

    [Fact]
    public void EntriesAreReadAcrossEveryLineOfTheHeader()
    {
        var request = Apply(forwardedFor: ["192.0.2.66, 198.51.100.7", "10.0.0.3"]);

        Assert.Equal(("198.51.100.7", 0), Client(request));
    }

    [Fact]
    public void SpacesTabsAndEmptyEntriesAreSkipped()
    {
        var request = Apply(forwardedFor: [" 198.51.100.7 ,\t, 10.0.0.3\t,", ""]);

        Assert.Equal(("198.51.100.7", 0), Client(request));
    }

    [Fact]
    public void TrustedAddressesAreWalkedPastToTheFirstThatIsNot()
    {
        // 203.0.113.9 is whatever the client wrote itself; 198.51.100.7 is who reached the outer balancer.
        var request = Apply(forwardedFor: ["203.0.113.9, 198.51.100.7, 10.0.0.4, 10.0.0.3"]);

        Assert.Equal(("198.51.100.7", 0), Client(request));
    }

    [Fact]
    public void ChainOfTrustedAddressesOnlyGivesItsFirst()
    {
        var request = Apply(forwardedFor: ["10.0.0.5, 10.0.0.3"]);

        Assert.Equal(("10.0.0.5", 0), Client(request));
    }

    [Theory]
    [InlineData("198.51.100.7, unknown, 10.0.0.3", "10.0.0.3", 0)]
    [InlineData("198.51.100.7, 010.0.0.1, 10.0.0.3:4000", "10.0.0.3", 4000)]
    [InlineData("198.51.100.7, unknown", "10.0.0.2", 50000)] // nothing read: the peer stays the client
    public void EntryThatIsNotAnAddressEndsTheWalkAtTheLastAddressRead(string forwardedFor, string address, int port)
    {
        var request = Apply(forwardedFor: [forwardedFor]);

        Assert.Equal((address, port), Client(request));
    }

    [Theory]
    [InlineData("[2001:db8::7]:40000", "2001:db8::7", 40000)]
    [InlineData("[2001:db8::7]", "2001:db8::7", 0)]
    [InlineData("2001:db8::7", "2001:db8::7", 0)]
    [InlineData("198.51.100.7:40000", "198.51.100.7", 40000)]
    public void EntryGivesItsPortWhenItHasOne(string entry, string address, int port)
    {
        var request = Apply(forwardedFor: [$"{entry}, 10.0.0.3"]);

        Assert.Equal((address, port), Client(request));
    }

    [Fact]
    public void IPv4PeerOnADualStackSocketIsTrusted()
    {
        var request = Apply(peer: "::ffff:10.0.0.2", forwardedFor: ["198.51.100.7"]);

        Assert.Equal(("198.51.100.7", 0), Client(request));
    }

    [Fact]
    public void UntrustedPeerKeepsItsAddressAndSchemeAndLosesTheHeaders()
    {
        var request = Apply(peer: "192.0.2.1", forwardedFor: ["198.51.100.7"], forwardedProto: ["https"]);

        Assert.Equal(("192.0.2.1", 50000), Client(request));
        Assert.Equal("http", request.Scheme);
        Assert.False(request.Headers.ContainsKey("X-Forwarded-For"));
        Assert.False(request.Headers.ContainsKey("X-Forwarded-Proto"));
    }

    [Theory]
    [InlineData("https", "https")]
    [InlineData("HTTPS", "https")]
    [InlineData("http", "http")]
    [InlineData("wss", "http")]      // neither http nor https: ignored
    [InlineData("https ftp", "http")]
    public void SchemeIsHttpOrHttpsOnly(string forwardedProto, string scheme)
    {
        var request = Apply(forwardedFor: ["198.51.100.7"], forwardedProto: [forwardedProto]);

        Assert.Equal(scheme, request.Scheme);
    }

    [Fact]
    public void SchemeIsReadWithoutAnAddress()
    {
        var request = Apply(peer: "10.0.0.2", secure: true, forwardedProto: ["http"]);

        Assert.Equal(("http", "10.0.0.2"), (request.Scheme, Client(request).Address));
    }

    [Fact]
    public void SchemeBesideTheClientsAddressIsTheClientsWhenTheListsLineUp()
    {
        // The CDN (10.0.0.3 to the inner balancer) ended the client's HTTPS, then forwarded plain HTTP.
        var request = Apply(forwardedFor: ["192.0.2.66, 198.51.100.7, 10.0.0.3"], forwardedProto: ["http, https", "http"]);

        Assert.Equal(("198.51.100.7", "https"), (Client(request).Address, request.Scheme));
    }

    [Theory]
    [InlineData("https, http")]          // one entry short of the three addresses
    [InlineData("https, https, https, http")]
    public void NearestBalancersSchemeIsTakenWhenTheListsDoNotLineUp(string forwardedProto)
    {
        var request = Apply(forwardedFor: ["192.0.2.66, 198.51.100.7, 10.0.0.3"], forwardedProto: [forwardedProto]);

        Assert.Equal(("198.51.100.7", "http"), (Client(request).Address, request.Scheme));
    }

    [Fact]
    public void WalkStopsAfterTheCapWithTheLastTrustedAddressRead()
    {
        // 198.51.100.7 behind 1,000 trusted balancers: far past any real chain.
        string[] balancers = [.. Enumerable.Range(0, 1000).Select(i => $"10.1.{i / 256}.{i % 256}")];
        var request = Apply(forwardedFor: [$"198.51.100.7, {string.Join(", ", balancers)}"]);

        Assert.Equal((balancers[^ForwardedRequest.MaxEntries], 0), Client(request));
    }

    [Fact]
    public void ListsLongerThanTheCapGiveTheNearestBalancersScheme()
    {
        // As many entries in both, so they would line up, but more than the cap counts.
        string forwardedFor = string.Join(", ", Enumerable.Range(0, 1000).Select(i => $"10.1.{i / 256}.{i % 256}"));
        string forwardedProto = string.Join(", ", Enumerable.Repeat("http", 999)) + ", https";

        var request = Apply(forwardedFor: [forwardedFor], forwardedProto: [forwardedProto]);

        Assert.Equal("https", request.Scheme);
    }

    [Fact]
    public void ABalancersRequestCostsOneAddressObjectAndNothingElse()
    {
        // This runs for every request: the header is walked in place, the scheme is a constant.
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        var peer = IPAddress.Parse("10.0.0.2");
        context.Connection.RemoteIpAddress = peer;
        ForwardedRequest.Apply(context, Trusted); // once first, so nothing is counted that is made once only
        long oneAddress = AllocatedBy(() => IPAddress.Parse("198.51.100.7"));

        long allocated = AllocatedBy(() =>
        {
            context.Connection.RemoteIpAddress = peer;
            ForwardedRequest.Apply(context, Trusted);
        });

        Assert.Equal(oneAddress, allocated);
        Assert.Equal(("198.51.100.7", "https"), (Client(context.Request).Address, context.Request.Scheme));
    }

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static HttpRequest Apply(string peer = "10.0.0.2", bool secure = false, string[]? forwardedFor = null, string[]? forwardedProto = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Connection.RemotePort = 50000;
        context.Request.Scheme = secure ? "https" : "http";
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = new StringValues(forwardedFor);
        }

        if (forwardedProto is not null)
        {
            context.Request.Headers["X-Forwarded-Proto"] = new StringValues(forwardedProto);
        }

        ForwardedRequest.Apply(context, Trusted);
        return context.Request;
    }

    private static (string Address, int Port) Client(HttpRequest request) =>
        (request.HttpContext.Connection.RemoteIpAddress!.ToString(), request.HttpContext.Connection.RemotePort);
}
