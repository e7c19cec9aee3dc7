using System.Text;

namespace AppHost.Cli.Commands.New;

/// <summary>
/// Turns the template into a new app the way <c>dotnet new apphost</c> does: the source name's
/// forms and the default port are replaced in paths and contents, and the solution's GUIDs are
/// renewed. A test checks both produce the same files.
/// </summary>
internal static class TemplateRenderer
{
    private const string SourceName = "AppHostSample";
    private const string DefaultPort = "8080";

    public static IReadOnlyList<TemplateFile> Render(EmbeddedTemplate template, AppName name, int port)
    {
        // GUIDs first: a later replacement (the port, say) must not alter one before it is renewed.
        var replacements = new List<(string From, string To)>();
        foreach (var guid in template.Guids)
        {
            // The .sln writes project GUIDs in upper case; the template engine renews them in every form.
            var renewed = Guid.NewGuid();
            replacements.Add((guid.ToString("D").ToUpperInvariant(), renewed.ToString("D").ToUpperInvariant()));
            replacements.Add((guid.ToString("D"), renewed.ToString("D")));
        }

        replacements.Add((SourceName, name.Value));
        replacements.Add((SourceName.ToLowerInvariant(), name.LowerCase));
        replacements.Add((SourceName.ToUpperInvariant(), name.EnvironmentStem));
        // The template's sources name port 8080 nowhere but as the default port (a test keeps it so).
        replacements.Add((DefaultPort, port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        return [.. template.Files.Select(file => new TemplateFile(
            Replace(file.Path, replacements),
            Encoding.UTF8.GetBytes(Replace(Encoding.UTF8.GetString(file.Content), replacements))))];
    }

    private static string Replace(string text, List<(string From, string To)> replacements)
    {
        foreach (var (from, to) in replacements)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }
}
