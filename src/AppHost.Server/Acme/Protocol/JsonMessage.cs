using System.Text.Json;

namespace AppHost.Acme.Protocol;

/// <summary>
/// One ACME message the CA sends: its name for error messages and its hand-written reader. A reader
/// per message instead of the serializer: no per-type metadata in the native file (docs/startup.md).
/// </summary>
internal sealed class JsonMessage<T>(string name, ReadJson<T> read) where T : class
{
    public string Name => name;

    /// <summary>
    /// The message in <paramref name="json"/>. Members it does not know are skipped; anything else
    /// that is not the message (malformed JSON, a member of the wrong type, a required one missing)
    /// is an <see cref="InvalidDataException"/> that says what.
    /// </summary>
    public T Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new InvalidDataException($"the CA answered with an empty {name}");
            }

            var message = read(ref reader);
            reader.Read(); // throws on anything after the object
            return message;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the CA's {name} is not valid JSON: {e.Message}", e);
        }
    }
}
