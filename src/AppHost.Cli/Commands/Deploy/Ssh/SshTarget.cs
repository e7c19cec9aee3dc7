using System.Globalization;
using System.Text.RegularExpressions;

namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>
/// One <c>--host</c>: <c>[USER@]HOST[:PORT]</c>, where HOST is a name, an address (IPv6 in
/// brackets) or an alias of the user's ssh config, which ssh itself resolves.
/// </summary>
/// <param name="Text">As the user wrote it; how the host is named in every line of output.</param>
/// <param name="User">The login user, or null for ssh's own choice (the config's User=, else the local user).</param>
/// <param name="Host">The name, address or alias given to ssh.</param>
/// <param name="Port">The ssh port, or null for ssh's own choice (the config's Port=, else 22).</param>
internal sealed partial record SshTarget(string Text, string? User, string Host, int? Port)
{
    /// <exception cref="ArgumentException">Not of that form; the message quotes it and shows the form.</exception>
    public static SshTarget Parse(string text)
    {
        var match = Form().Match(text);
        if (!match.Success)
        {
            throw new ArgumentException($"--host '{text}' is not [USER@]HOST[:PORT]; for example deploy@web1.example.com, 192.0.2.10:2222 or an alias from ~/.ssh/config");
        }

        string host = match.Groups["v6"].Success ? match.Groups["v6"].Value : match.Groups["name"].Value;
        int? port = null;
        if (match.Groups["port"].Success)
        {
            int value = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
            port = value is >= 1 and <= 65535 ? value
                : throw new ArgumentException($"--host '{text}' has port {value}; an ssh port is from 1 to 65535");
        }

        return new SshTarget(text, match.Groups["user"].Success ? match.Groups["user"].Value : null, host, port);
    }

    // A user as useradd allows it; a host of letters, digits, '.', '-' and '_' (aliases may hold '_'),
    // or an IPv6 address in brackets; a port of at most five digits, its range checked above. Nothing
    // that could start an ssh option ('-') or hold a shell or config metacharacter gets through.
    [GeneratedRegex(@"^(?:(?<user>[a-z_][a-z0-9_.-]{0,31})@)?(?:\[(?<v6>[0-9A-Fa-f:.]+)\]|(?<name>[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}))(?::(?<port>[0-9]{1,5}))?$")]
    private static partial Regex Form();
}
