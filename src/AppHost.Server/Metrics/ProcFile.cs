using System.Buffers.Text;

namespace AppHost.Metrics;

/// <summary>
/// Reads the small /proc files a scrape needs into the caller's stack buffer, so that a scrape
/// allocates nothing for them (File.ReadAllText made a stream, its buffers and a string per file).
/// </summary>
internal static class ProcFile
{
    /// <summary>Room for every file read here: /proc/self/limits, the largest, is about 1.4 KB.</summary>
    public const int BufferSize = 4096;

    /// <summary>The file's first bytes, as many as fit.</summary>
    /// <returns>The bytes read, or an empty span when the file cannot be read (no /proc).</returns>
    public static ReadOnlySpan<byte> Read(string path, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            int total = 0, read;
            while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer[total..], total)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The whole number that starts the text after any spaces, and the text after it.</summary>
    public static bool TryNumber(ref ReadOnlySpan<byte> text, out long number)
    {
        text = text.TrimStart((byte)' ');
        if (!Utf8Parser.TryParse(text, out number, out int used))
        {
            return false;
        }

        text = text[used..];
        return true;
    }
}
