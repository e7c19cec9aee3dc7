namespace AppHost.Acme.Renewal;

/// <summary>
/// When to try again after a failed order: capped exponential with jitter, and never before the CA's
/// Retry-After. Pure: the caller passes the random number.
/// </summary>
internal static class Backoff
{
    // 1 minute, doubling to 1 hour: a passing fault (DNS not yet pointing here, a firewall being opened)
    // is over quickly. Let's Encrypt allows 5 failed validations per name an hour; a name that keeps
    // failing reaches that within the first hour, and the CA's 429 then carries a Retry-After, which wins.
    private static readonly TimeSpan First = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <param name="now">The time of the failure.</param>
    /// <param name="failures">Failures in a row, this one included (1 for the first).</param>
    /// <param name="retryAfter">The CA's Retry-After, if it sent one.</param>
    /// <param name="random">Uniform in [0, 1): the delay is between half and all of the exponential step.</param>
    public static DateTimeOffset Next(DateTimeOffset now, int failures, DateTimeOffset? retryAfter, double random)
    {
        // 2^6 minutes is past the cap already; bounding the exponent keeps the shift from overflowing.
        int exponent = Math.Clamp(failures - 1, 0, 6);
        var step = First * (1 << exponent);
        if (step > Max)
        {
            step = Max;
        }

        var at = now + step * (0.5 + random / 2);
        return retryAfter is { } asked && asked > at ? asked : at;
    }
}
