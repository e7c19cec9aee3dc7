using System.Text;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Service;

/// <summary>Writes unit files into a folder, as <c>apphost cert</c> writes its files.</summary>
internal static class UnitFileWriter
{
    /// <returns>The full paths written, in the order of <paramref name="files"/>.</returns>
    public static IReadOnlyList<string> Write(IReadOnlyList<UnitFile> files, string directory, bool overwrite)
    {
        var output = files.Select(f => (Path.Combine(directory, f.FileName), Encoding.UTF8.GetBytes(f.Content))).ToList();
        // Unit files hold paths and settings, no secret: readable by all, as in /etc/systemd/system.
        OutputFiles.WriteAll(output, OutputFiles.Public, overwrite, "choose another folder with -o");
        return [.. output.Select(f => f.Item1)];
    }
}
