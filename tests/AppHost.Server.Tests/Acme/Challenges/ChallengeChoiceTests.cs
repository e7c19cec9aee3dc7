using AppHost.Acme.Challenges;
using AppHost.Acme.Protocol;


namespace AppHost.Server.Tests.Acme.Challenges;

public sealed class ChallengeChoiceTests
{
    private static readonly AcmeChallenge Http = new(ChallengeChoice.Http01, new Uri("https://ca.test/c/1"), "pending", "t1");
    private static readonly AcmeChallenge TlsAlpn = new(ChallengeChoice.TlsAlpn01, new Uri("https://ca.test/c/2"), "pending", "t2");
    private static readonly AcmeChallenge Dns = new("dns-01", new Uri("https://ca.test/c/3"), "pending", "t3");

    [Fact]
    public void TlsAlpn01ComesFirstEvenWithAPlainListener()
    {
        Assert.Same(TlsAlpn, new ChallengeChoice(PlainHttpListener: true).Pick([Http, Dns, TlsAlpn]));
    }

    [Fact]
    public void Http01AfterATlsAlpn01FailureOnlyWithAPlainListener()
    {
        Assert.Same(Http, new ChallengeChoice(PlainHttpListener: true, PreferHttp01: true).Pick([TlsAlpn, Http]));
        Assert.Same(TlsAlpn, new ChallengeChoice(PlainHttpListener: false, PreferHttp01: true).Pick([TlsAlpn, Http]));
    }

    [Fact]
    public void Http01WhenTlsAlpn01IsNotOffered()
    {
        Assert.Same(Http, new ChallengeChoice(PlainHttpListener: true).Pick([Dns, Http]));
        Assert.Null(new ChallengeChoice(PlainHttpListener: false).Pick([Dns, Http]));
    }
}
