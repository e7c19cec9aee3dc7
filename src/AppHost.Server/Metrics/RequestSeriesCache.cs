namespace AppHost.Metrics;

/// <summary>
/// A request's duration series found by what the request is, compared by reference: its route
/// template is the endpoint's own string, its method, protocol and scheme are constants, its error
/// a Type, so finding it is a few compares where the tags' lookup reads and hashes every value.
/// </summary>
/// <remarks>
/// A miss (a new combination, or equal text in another string instance) goes to the histogram's own
/// lookup by tags, which finds or makes the series; this only remembers the answer. Read without a
/// lock: a bucket's array is never changed once published, and a new one replaces it, as
/// <see cref="SeriesTable{T}"/> does with its array. Not a Dictionary: one keyed by a struct is
/// native code of its own in every file: 22,624 bytes of the metrics build's 400 KB budget.
/// </remarks>
internal sealed class RequestSeriesCache
{
    // Buckets by hash, so that an app with hundreds of kinds of request still compares a handful; a
    // power of two, for the mask.
    private const int Buckets = 64;

    private readonly Lock _adding = new();
    private readonly Entry[]?[] _buckets = new Entry[]?[Buckets];
    private int _count;

    public HistogramFamily.Series? Find(in RequestKind kind)
    {
        int hash = Hash(kind);
        if (Volatile.Read(ref _buckets[hash & (Buckets - 1)]) is { } bucket)
        {
            foreach (var entry in bucket)
            {
                if (entry.Hash == hash && Same(entry.Kind, kind))
                {
                    return entry.Series;
                }
            }
        }

        return null;
    }

    public void Remember(in RequestKind kind, HistogramFamily.Series series)
    {
        lock (_adding)
        {
            // As many kinds as the histogram keeps series: past that every request takes the lookup by tags.
            if (_count >= MetricFamily.SeriesLimit || Find(kind) is not null)
            {
                return;
            }

            int hash = Hash(kind);
            ref var bucket = ref _buckets[hash & (Buckets - 1)];
            Volatile.Write(ref bucket, [.. bucket ?? [], new Entry(hash, kind, series)]);
            _count++;
        }
    }

    private static bool Same(in RequestKind x, in RequestKind y) =>
        x.Status == y.Status && ReferenceEquals(x.Route, y.Route) && ReferenceEquals(x.Method, y.Method)
        && ReferenceEquals(x.Version, y.Version) && ReferenceEquals(x.Scheme, y.Scheme) && ReferenceEquals(x.Error, y.Error);

    // From lengths and the status, not the objects' identity hashes, which profiled at half the lookup's
    // time: routes of one length share a hash, and Same tells them apart.
    private static int Hash(in RequestKind kind) =>
        (((((kind.Status * 31) + (kind.Route?.Length ?? -1)) * 31) + kind.Method.Length) * 31) + kind.Scheme.Length + (kind.Error is null ? 0 : 7);

    /// <summary>A class, so that the arrays of them share the runtime's code for arrays of references.</summary>
    private sealed class Entry(int hash, RequestKind kind, HistogramFamily.Series series)
    {
        public int Hash { get; } = hash;

        public RequestKind Kind { get; } = kind;

        public HistogramFamily.Series Series { get; } = series;
    }
}
