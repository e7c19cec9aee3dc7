using System.Text;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// Builds the text of a unit file in which every setting has its reason on the lines above it.
/// systemd takes '#' as a comment only at the start of a line; after a value it would be part of it.
/// </summary>
internal sealed class UnitFileBuilder
{
    private readonly StringBuilder _text = new();

    /// <param name="header">What the file is, as comment lines at its top.</param>
    public UnitFileBuilder(string header) => Comment(header);

    public void Section(string name) => _text.Append('\n').Append('[').Append(name).Append("]\n");

    /// <param name="why">Why the setting is there; several lines are allowed.</param>
    /// <param name="setting">The setting as written, for example <c>Type=notify</c>.</param>
    public void Add(string why, string setting)
    {
        Comment(why);
        _text.Append(setting).Append('\n');
    }

    public UnitFile Build(string fileName) => new(fileName, _text.ToString());

    private void Comment(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            _text.Append("# ").Append(line).Append('\n');
        }
    }
}
