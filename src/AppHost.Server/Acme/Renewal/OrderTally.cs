namespace AppHost.Acme.Renewal;

/// <summary>
/// How each name's ACME orders ended, for the metrics: counts by kind (a name's first certificate, or
/// a renewal) and outcome, and when the last certificate was obtained. Orders are minutes apart at
/// most, so one lock is no contention. Keyed by string with a class per name, not by a value tuple:
/// this is in every native file, metrics or not, and each generic type over a new struct adds its own
/// code there (a tuple-keyed dictionary cost about 20 KB).
/// </summary>
internal sealed class OrderTally
{
    private readonly Lock _counting = new();
    private readonly Dictionary<string, NameOrders> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An order's outcome.</summary>
    /// <param name="name">The domain ordered.</param>
    /// <param name="renewal">Whether a certificate for it existed already.</param>
    /// <param name="obtained">Whether the order ended with a certificate stored.</param>
    /// <param name="at">When it ended.</param>
    public void Count(string name, bool renewal, bool obtained, DateTimeOffset at)
    {
        lock (_counting)
        {
            if (!_names.TryGetValue(name, out var orders))
            {
                _names[name] = orders = new NameOrders(name);
            }

            orders.Add(renewal, obtained, at);
        }
    }

    /// <summary>A copy of each name's counts that has had an order, in name order so a scrape reads the same each time.</summary>
    public IReadOnlyList<NameOrders> Snapshot()
    {
        lock (_counting)
        {
            var copies = _names.Values.Select(orders => orders.Copy()).ToArray();
            Array.Sort(copies, (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return copies;
        }
    }
}

/// <summary>One name's orders: how many of each kind ended each way, and when it last got a certificate.</summary>
/// <param name="name">The domain.</param>
internal sealed class NameOrders(string name)
{
    public string Name { get; } = name;

    public long NewObtained { get; private set; }

    public long NewFailed { get; private set; }

    public long RenewalObtained { get; private set; }

    public long RenewalFailed { get; private set; }

    /// <summary>When the CA last issued it a certificate (not one read from the state folder); null until then.</summary>
    public DateTimeOffset? LastObtained { get; private set; }

    public void Add(bool renewal, bool obtained, DateTimeOffset at)
    {
        if (renewal)
        {
            RenewalObtained += obtained ? 1 : 0;
            RenewalFailed += obtained ? 0 : 1;
        }
        else
        {
            NewObtained += obtained ? 1 : 0;
            NewFailed += obtained ? 0 : 1;
        }

        if (obtained)
        {
            LastObtained = at;
        }
    }

    public NameOrders Copy() => new(Name)
    {
        NewObtained = NewObtained,
        NewFailed = NewFailed,
        RenewalObtained = RenewalObtained,
        RenewalFailed = RenewalFailed,
        LastObtained = LastObtained,
    };
}
