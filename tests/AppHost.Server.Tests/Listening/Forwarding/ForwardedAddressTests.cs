using System.Net;
using AppHost.Listening.Forwarding;

namespace AppHost.Server.Tests.Listening.Forwarding;

/// <summary>One X-Forwarded-For entry: the forms balancers write, and what is not an address.</summary>
public sealed class ForwardedAddressTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7", 0)]
    [InlineData("198.51.100.7:40000", "198.51.100.7", 40000)]
    [InlineData("2001:db8::7", "2001:db8::7", 0)]
    [InlineData("[2001:db8::7]", "2001:db8::7", 0)]
    [InlineData("[2001:db8::7]:40000", "2001:db8::7", 40000)]
    [InlineData("::ffff:198.51.100.7", "::ffff:198.51.100.7", 0)]
    [InlineData("0.0.0.0:65535", "0.0.0.0", 65535)]
    public void AddressWithOrWithoutAPortIsRead(string entry, string address, int port)
    {
        bool parsed = ForwardedAddress.TryParse(entry, out var read, out int readPort);

        Assert.True(parsed);
        Assert.Equal((IPAddress.Parse(address), port), (read, readPort));
    }

    [Theory]
    [InlineData("unknown")]                // nginx and Squid, when they cannot name the client
    [InlineData("_hidden")]                // an obfuscated identifier (RFC 7239)
    [InlineData("shop.example.com")]
    [InlineData("1")]                      // 0.0.0.1 to IPAddress.Parse
    [InlineData("010.0.0.1")]              // octal, 8.0.0.1 to IPAddress.Parse
    [InlineData("0x7f.0.0.1")]
    [InlineData("198.51.100")]
    [InlineData("198.51.100.7.1")]
    [InlineData("256.51.100.7")]
    [InlineData("198.51.100.7:")]
    [InlineData("198.51.100.7:65536")]
    [InlineData("198.51.100.7:+80")]
    [InlineData("198.51.100.7 :80")]
    [InlineData("[198.51.100.7]")]         // brackets are for IPv6
    [InlineData("[2001:db8::7")]
    [InlineData("[2001:db8::7]40000")]
    [InlineData("[2001:db8::7]:port")]
    [InlineData("2001:db8::7:40000:1:2:3:4:5")]
    [InlineData("\"198.51.100.7\"")]       // quoted, as only RFC 7239's Forwarded does
    public void AnythingElseIsNotAnAddress(string entry)
    {
        Assert.False(ForwardedAddress.TryParse(entry, out _, out _));
    }
}
