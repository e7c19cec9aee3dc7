namespace AppHost.Acme.Renewal;

/// <summary>
/// How each name's ACME orders ended, for the metrics: counts by kind (a name's first certificate, or
/// a renewal) and outcome, and when the last certificate was obtained. Orders are minutes apart at
/// most, so one lock is no contention.
/// </summary>
internal sealed class OrderTally
{
    private readonly Lock _counting = new();
    private readonly Dictionary<(string Name, bool Renewal, bool Obtained), long> _orders = [];
    private readonly Dictionary<string, DateTimeOffset> _lastObtained = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An order's outcome.</summary>
    /// <param name="name">The domain ordered.</param>
    /// <param name="renewal">Whether a certificate for it existed already.</param>
    /// <param name="obtained">Whether the order ended with a certificate stored.</param>
    /// <param name="at">When it ended.</param>
    public void Count(string name, bool renewal, bool obtained, DateTimeOffset at)
    {
        lock (_counting)
        {
            _orders[(name, renewal, obtained)] = _orders.GetValueOrDefault((name, renewal, obtained)) + 1;
            if (obtained)
            {
                _lastObtained[name] = at;
            }
        }
    }

    /// <summary>Each name's counts, in name order so a scrape reads the same each time.</summary>
    public IReadOnlyList<(string Name, bool Renewal, bool Obtained, long Orders)> Orders()
    {
        lock (_counting)
        {
            return [.. _orders.OrderBy(o => o.Key.Name, StringComparer.Ordinal).ThenBy(o => o.Key.Renewal).ThenBy(o => o.Key.Obtained)
                .Select(o => (o.Key.Name, o.Key.Renewal, o.Key.Obtained, o.Value))];
        }
    }

    /// <summary>When each name last got a certificate from the CA (not one read from the state folder).</summary>
    public IReadOnlyList<(string Name, DateTimeOffset At)> LastObtained()
    {
        lock (_counting)
        {
            return [.. _lastObtained.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, o.Value))];
        }
    }
}
