using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AppHost.Cli.Commands.Kube.Yaml;

/// <summary>
/// Writes YAML a reviewer reads top to bottom: block mappings and sequences, two spaces a level,
/// a comment above the key it explains. Only what Kubernetes manifests need, with no YAML library
/// (the tool is published NativeAOT, and a handful of rules keep every value exactly as given).
/// </summary>
/// <example>
/// <code>
/// yaml.Scalar("apiVersion", "v1");
/// using (yaml.Mapping("metadata")) { yaml.Scalar("name", "shop"); }
/// using (yaml.Sequence("ports")) { using (yaml.Item()) { yaml.Scalar("port", 443); } }
/// </code>
/// </example>
internal sealed partial class YamlText
{
    // Two spaces a level, as kubectl and the Kubernetes documentation write it.
    private const int Indent = 2;

    private readonly StringBuilder _text = new();
    private int _level;

    // Set by Item(): the next key opens a sequence item ("- key: value") at the level before the item's.
    private bool _itemOpen;

    /// <summary>A comment line (or lines) above what follows, at its level; above the "- " of an item just opened.</summary>
    public void Comment(string text)
    {
        int level = _itemOpen ? _level - 1 : _level;
        foreach (string line in text.Split('\n'))
        {
            _text.Append(' ', level * Indent).Append("# ").Append(line).Append('\n');
        }
    }

    /// <summary>The separator between two documents of one file.</summary>
    public void DocumentSeparator() => _text.Append("---\n");

    /// <summary><c>key: "text"</c>, quoted unless YAML would read it back as the same string anyway.</summary>
    public void Scalar(string key, string value) => Line(key, Quote(value));

    /// <summary><c>key: 30</c>.</summary>
    public void Scalar(string key, long value) => Line(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>key: true</c>.</summary>
    public void Scalar(string key, bool value) => Line(key, value ? "true" : "false");

    /// <summary><c>key: ["a", "b"]</c> on one line: short lists of plain words (capabilities, arguments of one option).</summary>
    public void FlowSequence(string key, IEnumerable<string> values) => Line(key, "[" + string.Join(", ", values.Select(Quote)) + "]");

    /// <summary><c>key:</c> followed by the mapping written until the returned scope is disposed.</summary>
    public IDisposable Mapping(string key)
    {
        Line(key, null);
        return Nested();
    }

    /// <summary><c>key:</c> followed by the items (<see cref="Item"/>) written until the returned scope is disposed.</summary>
    public IDisposable Sequence(string key) => Mapping(key);

    /// <summary>One item of a sequence, a mapping: its first key is written after "- ".</summary>
    public IDisposable Item()
    {
        _itemOpen = true;
        return Nested();
    }

    /// <summary>One item of a sequence that is a plain value: <c>- "text"</c>.</summary>
    public void Item(string value)
    {
        _text.Append(' ', _level * Indent).Append("- ").Append(Quote(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    /// <summary>
    /// The text as YAML reads it back: bare when it is a plain word that no YAML version takes for a
    /// number, a boolean or null (1.1's yes/no/on/off included, which Kubernetes' parser still
    /// honours in places); double-quoted otherwise, with '\' and '"' escaped and every character YAML
    /// would fold or refuse (controls, U+2028, U+2029, a byte-order mark) as \uXXXX.
    /// </summary>
    public static string Quote(string value)
    {
        if (PlainWord().IsMatch(value) && !LooksTyped().IsMatch(value))
        {
            return value;
        }

        var quoted = new StringBuilder("\"", value.Length + 2);
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    private void Line(string key, string? value)
    {
        WriteKeyPrefix();
        _text.Append(key).Append(':');
        if (value is not null)
        {
            _text.Append(' ').Append(value);
        }

        _text.Append('\n');
    }

    // A key at the current level, or the "- " that opens a sequence item one level up.
    private void WriteKeyPrefix()
    {
        if (_itemOpen)
        {
            _text.Append(' ', (_level - 1) * Indent).Append("- ");
            _itemOpen = false;
            return;
        }

        _text.Append(' ', _level * Indent);
    }

    private Scope Nested()
    {
        _level++;
        return new Scope(this);
    }

    private sealed class Scope(YamlText yaml) : IDisposable
    {
        public void Dispose() => yaml._level--;
    }

    // Letters, digits and the punctuation of names, paths and image references; starting with a letter or '/' (so never
    // a number, even YAML 1.1's 1:20), with ':' and '@' inside only (a ':' that ends a word or meets a space starts a mapping).
    [GeneratedRegex("^[A-Za-z/]([A-Za-z0-9._/:@-]*[A-Za-z0-9._/-])?$")]
    private static partial Regex PlainWord();

    // Words YAML 1.1 or 1.2 read as booleans or null, whatever their case.
    [GeneratedRegex("^(?i:y|n|yes|no|on|off|true|false|null)$")]
    private static partial Regex LooksTyped();
}
