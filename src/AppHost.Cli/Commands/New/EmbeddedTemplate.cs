using System.Reflection;
using System.Text.Json;

namespace AppHost.Cli.Commands.New;

/// <summary>The app template this tool carries inside itself (the content of the dotnet new template package).</summary>
internal sealed class EmbeddedTemplate
{
    private const string Prefix = "template/";
    private const string ConfigPath = ".template.config/template.json";

    private EmbeddedTemplate(IReadOnlyList<TemplateFile> files, IReadOnlyList<Guid> guids)
    {
        Files = files;
        Guids = guids;
    }

    /// <summary>Every file of the template, with its path relative to the solution root ('/' separated).</summary>
    public IReadOnlyList<TemplateFile> Files { get; }

    /// <summary>The GUIDs a new solution must not share with the template (project ids in the .sln).</summary>
    public IReadOnlyList<Guid> Guids { get; }

    public static EmbeddedTemplate Load()
    {
        var assembly = typeof(EmbeddedTemplate).Assembly;
        var files = new List<TemplateFile>();
        IReadOnlyList<Guid> guids = [];
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            // Resource names keep the separator of the machine that built the tool.
            string path = resource[Prefix.Length..].Replace('\\', '/');
            byte[] content = Read(assembly, resource);
            if (path == ConfigPath)
            {
                guids = ReadGuids(content);
            }
            else
            {
                files.Add(new TemplateFile(path, content));
            }
        }

        return new EmbeddedTemplate(files, guids);
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static Guid[] ReadGuids(byte[] templateJson)
    {
        using var json = JsonDocument.Parse(templateJson);
        return json.RootElement.TryGetProperty("guids", out var guids)
            ? [.. guids.EnumerateArray().Select(g => Guid.Parse(g.GetString()!))]
            : [];
    }
}
