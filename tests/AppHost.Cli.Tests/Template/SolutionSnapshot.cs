using System.Text.RegularExpressions;

namespace AppHost.Cli.Tests.Template;

/// <summary>The files of a new solution, with GUIDs masked: each new solution gets project GUIDs of its own.</summary>
public static partial class SolutionSnapshot
{
    public static Dictionary<string, string> Take(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            // dotnet new restores, which writes obj/ folders; they are not part of what the template made.
            .Where(p => !p.Contains("/obj/", StringComparison.Ordinal))
            .ToDictionary(p => p, p => Guid().Replace(File.ReadAllText(Path.Combine(root, p)), "GUID"));

    [GeneratedRegex("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")]
    private static partial Regex Guid();
}
