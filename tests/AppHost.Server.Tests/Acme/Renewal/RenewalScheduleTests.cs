using AppHost.Acme.Protocol;
using AppHost.Acme.Renewal;


namespace AppHost.Server.Tests.Acme.Renewal;

public sealed class RenewalScheduleTests
{
    private static readonly DateTimeOffset Issued = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(90 * 24 * 3600.0)] // Let's Encrypt's classic 90 days: renew at day 60, jittered to no earlier than day 57
    [InlineData(6 * 24 * 3600.0)]  // the short-lived profile: renew at day 4, no earlier than 3.8
    [InlineData(90.0)]             // Pebble with certificateValidityPeriod 90: at 60 s, no earlier than 57 s
    public void WithoutAriRenewalFallsInTheTenthBeforeTheLastThird(double lifetimeSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(lifetimeSeconds);
        var expires = Issued + lifetime;

        var latest = RenewalSchedule.RenewAt(Issued, expires, random: 0);
        var earliest = RenewalSchedule.RenewAt(Issued, expires, random: 1); // the limit of [0, 1)
        var middle = RenewalSchedule.RenewAt(Issued, expires, random: 0.5);

        var tick = TimeSpan.FromMilliseconds(1); // TimeSpan times a fraction rounds to ticks
        Assert.InRange(latest, Issued + lifetime * 2 / 3 - tick, Issued + lifetime * 2 / 3 + tick);
        Assert.InRange(earliest, Issued + lifetime * 19 / 30 - tick, Issued + lifetime * 19 / 30 + tick); // 2/3 - 1/30
        Assert.True(latest < expires);
        Assert.True(earliest < middle && middle < latest);
    }

    [Fact]
    public void WithAriTheTimeIsUniformInTheSuggestedWindow()
    {
        var expires = Issued.AddDays(6);
        var window = new AcmeRenewalWindow(Issued.AddDays(3), Issued.AddDays(4));

        Assert.Equal(Issued.AddDays(3), RenewalSchedule.RenewAt(Issued, expires, window, random: 0));
        Assert.Equal(Issued.AddDays(3.5), RenewalSchedule.RenewAt(Issued, expires, window, random: 0.5));
    }

    [Fact]
    public void AnAriWindowPastTheEmergencyPointIsCutToIt()
    {
        var expires = Issued.AddSeconds(100);
        var late = new AcmeRenewalWindow(Issued.AddSeconds(99), Issued.AddSeconds(200));

        // The last twentieth of a 100 s lifetime starts at 95 s.
        Assert.Equal(Issued.AddSeconds(95), RenewalSchedule.RenewAt(Issued, expires, late, random: 0.5));
    }

    [Fact]
    public void AnAriWindowInThePastMeansRenewNow()
    {
        var now = Issued.AddDays(50);
        var revoked = new AcmeRenewalWindow(Issued.AddDays(1), Issued.AddDays(2));

        Assert.True(RenewalSchedule.RenewAt(Issued, Issued.AddDays(90), revoked, random: 0.7) < now);
    }

    [Theory]
    [InlineData(null, 6 * 3600)]      // no Retry-After: six hours
    [InlineData(2.0, 60)]             // too eager: at least a minute
    [InlineData(7200.0, 7200)]        // as asked
    [InlineData(9e6, 24 * 3600)]      // too lazy: at most a day
    public void AriIsAskedAgainAfterItsClampedRetryAfter(double? retryAfterSeconds, int expectedSeconds)
    {
        var now = Issued;
        DateTimeOffset? retryAfter = retryAfterSeconds is { } s ? now.AddSeconds(s) : null;

        Assert.Equal(now.AddSeconds(expectedSeconds), RenewalSchedule.NextAriCheck(now, retryAfter));
    }
}
