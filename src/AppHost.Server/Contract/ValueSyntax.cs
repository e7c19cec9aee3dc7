using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace AppHost.Contract;

/// <summary>Parses an option's text, the same way whether it came from the command line or the environment.</summary>
internal delegate bool TryParse<T>(string text, [MaybeNullWhen(false)] out T value);

/// <summary>How one kind of option value is written, and what an error message says is expected.</summary>
/// <param name="HelpName">Stands for the value in --help, for example "port" in "--port &lt;port&gt;".</param>
/// <param name="Expected">Completes "expected ...", for example "a port number from 0 to 65535".</param>
/// <param name="TryParse">Reads the text; false when it is not valid.</param>
internal sealed record ValueSyntax<T>(string HelpName, string Expected, TryParse<T> TryParse)
{
    /// <summary>The value as an error message repeats it: as given, unless that would repeat a secret.</summary>
    public Func<string, string> Shown { get; init; } = static text => text;

    /// <summary>The one-line problem of a value this syntax refuses, the same from the server and the apphost tool.</summary>
    /// <param name="source">Where the value came from, quoted: <c>--port '70000'</c> or <c>SHOP_PORT='70000'</c>.</param>
    public string Problem(string source) => $"{source} is not valid: expected {Expected}";

    /// <summary>The problem of <paramref name="text"/> given to <paramref name="option"/>.</summary>
    public string Problem(string option, string text) => Problem($"{option} '{Shown(text)}'");
}

/// <summary>
/// The value syntaxes of the server's options. The apphost tool compiles this file too, so that
/// what it writes into a unit file is exactly what the server will accept.
/// </summary>
internal static class ValueSyntax
{
    // What 0 means is the option's to say (a free port for the server, no socket for apphost service's --http-port).
    public static readonly ValueSyntax<int> Port = new(
        "port",
        "a port number from 0 to 65535",
        (string text, out int port) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort);

    // The same, for a listener that may be left out (null).
    public static readonly ValueSyntax<int?> OptionalPort = Optional(Port);

    public static readonly ValueSyntax<IPAddress?> Address = new(
        "address",
        "an IP address such as 127.0.0.1 or ::1, or 'localhost'",
        (string text, out IPAddress? address) =>
        {
            // 'localhost' means the IPv4 loopback, so the server is reachable only from this machine.
            address = text.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
                : IPAddress.TryParse(text, out var parsed) ? parsed
                : null;
            return address is not null;
        });

    // A peer whose X-Forwarded-* headers are believed: one address, or a range in CIDR notation. An
    // IPv4 address is also matched in its IPv4-mapped IPv6 form, in which a dual-stack socket sees it.
    public static readonly ValueSyntax<IPNetwork> Network = new(
        "address",
        "an IP address such as 10.0.0.5, or a range such as 10.0.0.0/8 or 2001:db8::/32",
        (string text, out IPNetwork network) =>
        {
            if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
            {
                network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            return IPNetwork.TryParse(text, out network);
        });

    public static readonly ValueSyntax<string> HostName = new(
        "name",
        "a host name such as example.com or *.example.com, or an IP address",
        (string text, [MaybeNullWhen(false)] out string name) =>
        {
            name = text.ToLowerInvariant();
            // DNS names are at most 253 characters; an optional leading "*." allows every subdomain.
            return text.Length <= 253 && (IPAddress.TryParse(text, out _) || IsDnsName(text));
        });

    // A CA proves control of a name over HTTP or TLS to that name (HTTP-01, TLS-ALPN-01): neither works for an IP address or a wildcard.
    public static readonly ValueSyntax<string> AcmeDomain = new(
        "name",
        "a DNS name such as example.com (not an IP address or a wildcard, which HTTP-01 and TLS-ALPN-01 cannot prove)",
        (string text, [MaybeNullWhen(false)] out string name) =>
        {
            name = text.ToLowerInvariant();
            return text.Length <= 253 && !text.StartsWith("*.", StringComparison.Ordinal) && !IPAddress.TryParse(text, out _) && IsDnsName(text);
        });

    public static readonly ValueSyntax<Uri?> HttpsUrl = new(
        "url",
        $"an https:// URL such as {AcmeDirectories.LetsEncryptStaging}",
        (string text, out Uri? url) =>
        {
            url = Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps ? parsed : null;
            return url is not null;
        });

    // An OTLP/HTTP receiver: plain http too, since a collector usually listens on the machine or beside
    // it (port 4318). A URL that ends at the port gets OTLP's metrics path, /v1/metrics; any other path
    // is used as given, as OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is. No user name or password in it (ps
    // and the logs would show them), and no query or fragment, which OTLP has no use for.
    public static readonly ValueSyntax<Uri?> OtlpUrl = new(
        "url",
        "an http:// or https:// URL of an OTLP receiver, such as http://127.0.0.1:4318/v1/metrics, with no user name, password, query or fragment",
        (string text, out Uri? url) =>
        {
            url = Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
                && parsed.UserInfo.Length == 0 && parsed.Query.Length == 0 && parsed.Fragment.Length == 0
                ? parsed.AbsolutePath == "/" ? new Uri(parsed, "v1/metrics") : parsed
                : null;
            return url is not null;
        })
    {
        // The refused user name and password are not repeated in the error, which a journal keeps.
        Shown = HideUserInfo,
    };

    // Once a second is as often as a receiver needs (Prometheus's scrapes are 15 s to 1 min); an hour is the longest gap a graph can bear.
    public static readonly ValueSyntax<int> Interval = new(
        "seconds",
        "a whole number of seconds from 1 to 3600",
        (string text, out int seconds) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds is >= 1 and <= 3600);

    // An address the CA can mail: one @ between two non-empty parts, nothing a mailto: URI would need
    // escaped. 254 characters is the longest address SMTP carries (RFC 5321's path limit less its brackets).
    public static readonly ValueSyntax<string?> Email = new(
        "address",
        "an e-mail address such as admin@example.com",
        (string text, out string? address) =>
        {
            int at = text.IndexOf('@', StringComparison.Ordinal);
            address = text.Length <= 254 && at > 0 && at == text.LastIndexOf('@') && at < text.Length - 1
                && !text.AsSpan().ContainsAny(" ,;<>\"?&/") ? text : null;
            return address is not null;
        });

    public static readonly ValueSyntax<string?> FilePath = Path("file");

    public static readonly ValueSyntax<string?> FolderPath = Path("folder");

    // An hour: beyond that a "graceful" stop is a hung one.
    public static readonly ValueSyntax<int> Seconds = new(
        "seconds",
        "a whole number of seconds from 0 to 3600",
        (string text, out int seconds) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds <= 3600);

    // A million connections is past what one process's descriptors and memory serve.
    public static readonly ValueSyntax<int> ConnectionCount = new(
        "count",
        "a whole number from 1 to 1000000",
        (string text, out int count) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= 1_000_000);

    /// <summary>The same syntax for an option that may be left out: its value is null then.</summary>
    public static ValueSyntax<int?> Optional(ValueSyntax<int> syntax) => new(
        syntax.HelpName,
        syntax.Expected,
        (string text, out int? value) =>
        {
            value = syntax.TryParse(text, out int parsed) ? parsed : null;
            return value is not null;
        });

    // Any non-empty text: whether the file or folder exists and can be used is checked where it is used, with its own message.
    private static ValueSyntax<string?> Path(string kind) => new(
        kind,
        $"a {kind} path",
        (string text, out string? path) =>
        {
            path = text;
            return text.Length > 0;
        });

    // "http://user:password@host/..." as "http://***@host/...": what lies between the scheme and the
    // last '@' before the path, found in the text itself, since Uri may have escaped it.
    private static string HideUserInfo(string text)
    {
        int authority = text.IndexOf("://", StringComparison.Ordinal) is int scheme and >= 0 ? scheme + 3 : 0;
        int path = text.IndexOfAny(['/', '?', '#'], authority) is int end and >= 0 ? end : text.Length;
        int at = text.LastIndexOf('@', path - 1, path - authority);
        return at < 0 ? text : string.Concat(text.AsSpan(0, authority), "***", text.AsSpan(at));
    }

    /// <summary>
    /// Dot-separated labels of ASCII letters, digits and inner hyphens, after an optional "*.".
    /// Checked by hand rather than by a regular expression, which would put a regex engine (14 KB) in every native file.
    /// </summary>
    private static bool IsDnsName(string text)
    {
        var name = text.StartsWith("*.", StringComparison.Ordinal) ? text.AsSpan(2) : text.AsSpan();
        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.IsEmpty || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
