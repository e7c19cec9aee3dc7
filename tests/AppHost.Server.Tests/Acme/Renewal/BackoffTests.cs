using AppHost.Acme.Renewal;


namespace AppHost.Server.Tests.Acme.Renewal;

public sealed class BackoffTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    [InlineData(6, 1920)]
    [InlineData(7, 3600)]    // 64 minutes, capped at one hour
    [InlineData(1000, 3600)] // no overflow however long the CA is down
    public void DelayDoublesFromAMinuteToAnHourWithJitterOfUpToHalf(int failures, int stepSeconds)
    {
        Assert.Equal(Now.AddSeconds(stepSeconds / 2.0), Backoff.Next(Now, failures, retryAfter: null, random: 0));
        Assert.Equal(Now.AddSeconds(stepSeconds), Backoff.Next(Now, failures, retryAfter: null, random: 1));
    }

    [Fact]
    public void NeverBeforeTheCasRetryAfter()
    {
        var rateLimitedUntil = Now.AddHours(3);

        Assert.Equal(rateLimitedUntil, Backoff.Next(Now, failures: 1, rateLimitedUntil, random: 0.5));
    }

    [Fact]
    public void AnEarlierRetryAfterDoesNotShortenTheBackoff()
    {
        Assert.Equal(Now.AddSeconds(90), Backoff.Next(Now, failures: 2, Now.AddSeconds(5), random: 0.5));
    }
}
