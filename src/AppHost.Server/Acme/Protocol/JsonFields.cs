using System.Text.Json;

namespace AppHost.Acme.Protocol;

/// <summary>Reads one JSON value of a message; the reader stands on the value's first token.</summary>
internal delegate T ReadJson<T>(ref Utf8JsonReader reader);

/// <summary>
/// The typed reads the ACME messages are made of, each one JSON value at the reader's position. A
/// JSON null reads as null, as the serializer read it; any other type than the one asked for fails
/// with the member's name, so a CA's malformed answer is one line in the log, never a null later.
/// </summary>
internal static class JsonFields
{
    /// <summary>Walks an object's members: true with the reader on the next member's value, whose name is <paramref name="name"/>.</summary>
    public static bool NextMember(ref Utf8JsonReader reader, out string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }

        name = reader.GetString()!;
        reader.Read();
        return true;
    }

    /// <summary>Fails unless the reader stands on an object's start.</summary>
    public static void StartObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Wrong(reader, what, "an object");
        }
    }

    public static string? Text(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw Wrong(reader, name, "a string"),
    };

    /// <summary>A URL; relative ones are kept, as the serializer kept them.</summary>
    public static Uri? Url(ref Utf8JsonReader reader, string name) => Text(ref reader, name) switch
    {
        null => null,
        var text => Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var url) ? url : throw new JsonException($"'{name}' is not a URL: '{text}'"),
    };

    public static bool? Flag(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Wrong(reader, name, "true or false"),
    };

    public static int? Number(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when reader.TryGetInt32(out int value) => value,
        _ => throw Wrong(reader, name, "a whole number"),
    };

    /// <summary>An RFC 3339 time, as the serializer accepted it (ISO 8601, with or without an offset).</summary>
    public static DateTimeOffset? Time(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String when reader.TryGetDateTimeOffset(out var value) => value,
        _ => throw Wrong(reader, name, "a date and time"),
    };

    public static T? Object<T>(ref Utf8JsonReader reader, ReadJson<T> read) where T : class =>
        reader.TokenType == JsonTokenType.Null ? null : read(ref reader);

    public static List<T>? Array<T>(ref Utf8JsonReader reader, string name, ReadJson<T?> read) where T : class
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Wrong(reader, name, "an array");
        }

        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(read(ref reader) ?? throw new JsonException($"'{name}' holds a null"));
        }

        return items;
    }

    public static List<string>? Texts(ref Utf8JsonReader reader, string name) =>
        Array(ref reader, name, (ref Utf8JsonReader item) => Text(ref item, name));

    public static List<Uri>? Urls(ref Utf8JsonReader reader, string name) =>
        Array(ref reader, name, (ref Utf8JsonReader item) => Url(ref item, name));

    /// <summary>A member the message cannot do without (RFC 8555 says it is there).</summary>
    public static T Required<T>(T? value, string name) where T : class =>
        value ?? throw new JsonException($"'{name}' is missing");

    public static T Required<T>(T? value, string name) where T : struct =>
        value ?? throw new JsonException($"'{name}' is missing");

    private static JsonException Wrong(Utf8JsonReader reader, string name, string expected) =>
        new($"'{name}' is {reader.TokenType}, not {expected}");
}
