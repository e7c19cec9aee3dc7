namespace AppHost.Metrics;

/// <summary>
/// The series of one metric, found by a measurement's tags without allocating: a lock-free read of
/// an array that is replaced, under a lock, when a new tag set appears. Tag sets past the limit are
/// not recorded, so a bug that puts a raw path or an id in a tag cannot grow memory and the scrape
/// without bound.
/// </summary>
/// <typeparam name="T">The series' value: a sum, a last value or a histogram.</typeparam>
internal sealed class SeriesTable<T>(int limit, Func<string, T> create) where T : class
{
    private readonly Lock _adding = new();
    private Entry[] _entries = [];

    /// <summary>Whether no measurement has been recorded yet.</summary>
    public bool IsEmpty => Volatile.Read(ref _entries).Length == 0;

    /// <summary>The series with the tags they were made for, in the order they appeared.</summary>
    public IReadOnlyList<Entry> Entries => Volatile.Read(ref _entries);

    /// <summary>The series of these tags, created on first use.</summary>
    /// <returns>null when the metric already has <c>limit</c> series and these tags are new.</returns>
    public T? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int hash = Hash(tags);
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.Hash == hash && Same(entry.Tags, tags))
            {
                return entry.Series;
            }
        }

        return Add(hash, tags);
    }

    private T? Add(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_adding)
        {
            // Another thread may have added it since the lock-free look.
            foreach (var entry in _entries)
            {
                if (entry.Hash == hash && Same(entry.Tags, tags))
                {
                    return entry.Series;
                }
            }

            if (_entries.Length >= limit)
            {
                return null;
            }

            var copy = tags.ToArray();
            var series = create(PrometheusText.Labels(copy));
            Volatile.Write(ref _entries, [.. _entries, new Entry(hash, copy, series)]);
            return series;
        }
    }

    // The same whatever the tags' order, which an instrument need not keep. Only the values count,
    // since an instrument names the same keys every time, and a string's by its length and ends,
    // not by all its characters: string.GetHashCode reads every character of every tag of every
    // measurement, which profiled at half of this class's time. Tags that share a hash are still
    // told apart by Same, so a collision costs a comparison, never a wrong series.
    private static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int hash = tags.Length;
        foreach (var tag in tags)
        {
            hash += tag.Value switch
            {
                null => 0,
                string { Length: 0 } => 1,
                string text => (((text.Length * 31) + text[0]) * 31) + text[^1],
                var value => value.GetHashCode(),
            };
        }

        return hash;
    }

    private static bool Same(KeyValuePair<string, object?>[] known, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (known.Length != tags.Length)
        {
            return false;
        }

        // An instrument passes its tags in the same order every time, usually as the same strings and
        // cached boxes: checked in place first, the search below is for the rest.
        int inPlace = 0;
        while (inPlace < tags.Length && ReferenceEquals(known[inPlace].Key, tags[inPlace].Key) && Equals(known[inPlace].Value, tags[inPlace].Value))
        {
            inPlace++;
        }

        if (inPlace == tags.Length)
        {
            return true;
        }

        foreach (var tag in tags)
        {
            if (!Contains(known, tag))
            {
                return false;
            }
        }

        return true;
    }

    // A loop, not Array.Exists with a lambda: that would allocate a closure per tag of every measurement.
    private static bool Contains(KeyValuePair<string, object?>[] known, KeyValuePair<string, object?> tag)
    {
        foreach (var entry in known)
        {
            if (entry.Key == tag.Key && Equals(entry.Value, tag.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One series and the tags it was made for.</summary>
    internal sealed record Entry(int Hash, KeyValuePair<string, object?>[] Tags, T Series);
}
