using AppHost.Acme.Protocol;

namespace AppHost.Acme.Renewal;

/// <summary>
/// When a certificate should be renewed. Pure: the caller passes the random number, so tests are exact.
/// Everything is a fraction of the lifetime, never a fixed number of days, so a 90-day, a 6-day
/// (Let's Encrypt's short-lived profile) and a 90-second certificate (Pebble in tests) all work.
/// </summary>
internal static class RenewalSchedule
{
    // Renew when a third of the lifetime is left (certmagic's RenewalWindowRatio; autocert's 30 days of
    // 90): a CA outage of a third of the lifetime is survived, and Let's Encrypt asks for the same.
    private const double RenewWhenLeft = 1.0 / 3;

    // Jitter moves the renewal earlier by up to a tenth of that window, spreading many servers that got
    // their certificates at the same moment. Earlier only, so the third is never eaten into.
    private const double JitterOfWindow = 1.0 / 10;

    // The emergency: whatever ARI suggests, renew once only a twentieth of the lifetime is left
    // (certmagic does the same), because a CA's window past expiry is a CA bug we must not follow.
    private const double EmergencyLeft = 1.0 / 20;

    // RFC 9773 §4.3: poll renewalInfo again after its Retry-After, clamped so a CA cannot make us poll
    // every second or forget to look for a day; 6 hours when it says nothing (the RFC's suggestion).
    private static readonly TimeSpan MinAriRecheck = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxAriRecheck = TimeSpan.FromDays(1);
    private static readonly TimeSpan DefaultAriRecheck = TimeSpan.FromHours(6);

    /// <summary>Renewal time without ARI: a third of the lifetime before expiry, minus up to a tenth of that third.</summary>
    /// <param name="notBefore">The certificate's NotBefore.</param>
    /// <param name="notAfter">The certificate's NotAfter.</param>
    /// <param name="random">Uniform in [0, 1).</param>
    public static DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter, double random)
    {
        var window = (notAfter - notBefore) * RenewWhenLeft;
        return notAfter - window - window * JitterOfWindow * random;
    }

    /// <summary>
    /// Renewal time with ARI (RFC 9773 §4.2): a uniformly random point of the suggested window, but no
    /// later than the emergency point. A window already past gives a time in the past: renew now.
    /// </summary>
    /// <param name="notBefore">The certificate's NotBefore.</param>
    /// <param name="notAfter">The certificate's NotAfter.</param>
    /// <param name="window">The CA's suggested window.</param>
    /// <param name="random">Uniform in [0, 1).</param>
    public static DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter, AcmeRenewalWindow window, double random)
    {
        var span = window.End > window.Start ? window.End - window.Start : TimeSpan.Zero;
        var chosen = window.Start + span * random;
        var emergency = notAfter - (notAfter - notBefore) * EmergencyLeft;
        return chosen < emergency ? chosen : emergency;
    }

    /// <summary>When to ask renewalInfo again, from its Retry-After (RFC 9773 §4.3).</summary>
    public static DateTimeOffset NextAriCheck(DateTimeOffset now, DateTimeOffset? retryAfter)
    {
        var wait = retryAfter is { } at ? at - now : DefaultAriRecheck;
        return now + (wait < MinAriRecheck ? MinAriRecheck : wait > MaxAriRecheck ? MaxAriRecheck : wait);
    }
}
