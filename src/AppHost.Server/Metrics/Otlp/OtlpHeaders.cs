using AppHost.Contract;
using AppHost.Files;

namespace AppHost.Metrics.Otlp;

/// <summary>
/// --otlp-headers-file: the headers a receiver wants on every push, most often a key (<c>Authorization:
/// Bearer ...</c>, or a hosted backend's own header). A file, because they are secrets: a command line
/// shows in ps, and a unit file is readable by every user. One <c>Name: value</c> per line as HTTP writes
/// them; blank lines and lines starting with # are skipped. No value is ever repeated in a message.
/// </summary>
internal static class OtlpHeaders
{
    // A receiver needs one or two; 32 leaves room for a gateway's routing headers and bounds the request's head.
    private const int MaxHeaders = 32;

    // The push sets these itself: one of the operator's would contradict them, or break the request's framing.
    private static readonly string[] SetByThePush =
        ["Host", "Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Expect", "TE", "Trailer", "User-Agent"];

    /// <summary>Reads and checks the file.</summary>
    /// <param name="path">As given to --otlp-headers-file.</param>
    /// <returns>The headers, in the file's order.</returns>
    /// <exception cref="StartupException">The file cannot be read, or a line is not a header the push may send.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
    {
        byte[] content = SmallFile.Read(path, "OTLP headers file", OptionNames.OtlpHeadersFile);
        var headers = new List<KeyValuePair<string, string>>();
        int number = 0;
        foreach (var text in System.Text.Encoding.Latin1.GetString(content).Split('\n'))
        {
            number++;
            string line = text.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            var header = new KeyValuePair<string, string>(line[..Math.Max(colon, 0)], line[(colon + 1)..].Trim(' ', '\t'));
            if (Problem(header) is { } problem)
            {
                throw new StartupException($"OTLP headers file '{path}', line {number}: {problem}; write one 'Name: value' per line");
            }

            if (headers.Count == MaxHeaders)
            {
                throw new StartupException($"OTLP headers file '{path}' has more than {MaxHeaders} headers; a receiver needs one or two, such as its key");
            }

            headers.Add(header);
        }

        return headers;
    }

    // What is wrong with a line, split at its first colon (none: an empty name), naming at most the header, never its value.
    private static string? Problem(KeyValuePair<string, string> header)
    {
        var (name, value) = header;
        if (name.Length == 0)
        {
            return "no 'Name:' at its start";
        }

        // RFC 9110's token: letters, digits and these marks; no space before the colon (RFC 9112 §5.1).
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal))
            {
                return "the header's name has a character HTTP does not allow in names";
            }
        }

        foreach (string reserved in SetByThePush)
        {
            if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase))
            {
                return $"{name} is set by the push itself";
            }
        }

        if (value.Length == 0)
        {
            return $"{name} has no value";
        }

        // Visible ASCII, spaces and tabs: a key or a token needs no more, and a control character could end the header early.
        foreach (char c in value)
        {
            if (c is not ('\t' or >= ' ' and <= '~'))
            {
                return $"{name}'s value has a character other than printable ASCII";
            }
        }

        return null;
    }
}
