using Microsoft.Extensions.Primitives;

namespace AppHost.StaticFiles;

/// <summary>The validators of RFC 9110 §8.8.3 and §13 as a file server needs them.</summary>
internal static class EntityTags
{
    /// <summary>The tag of a compressed copy: the file's own tag with the coding added, as each representation needs its own.</summary>
    public static string ForCoding(string entityTag, ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => entityTag.Insert(entityTag.Length - 1, "-br"),
        ContentCoding.Gzip => entityTag.Insert(entityTag.Length - 1, "-gz"),
        _ => entityTag,
    };

    /// <summary>If-None-Match: "*" or any listed tag, compared weakly, as that header is.</summary>
    public static bool NoneMatchFails(StringValues ifNoneMatch, string entityTag)
    {
        foreach (string? header in ifNoneMatch)
        {
            foreach (string tag in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == entityTag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>If-Range: a range applies only while the client's copy is this one (a strong match; a date never matches, there is no Last-Modified).</summary>
    public static bool RangeStillApplies(StringValues ifRange, string entityTag) => ifRange.Count == 0 || ifRange[0] == entityTag;
}
