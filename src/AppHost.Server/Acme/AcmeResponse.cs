using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AppHost.Acme;

/// <summary>A successful ACME response, read whole: ACME bodies are small JSON objects or one PEM chain.</summary>
internal sealed record AcmeResponse(HttpStatusCode Status, Uri? Location, DateTimeOffset? RetryAfter, string? ContentType, byte[] Body)
{
    public T Read<T>(JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(Body, type)
                ?? throw new InvalidDataException($"the CA answered with an empty {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the CA's {typeof(T).Name} is not valid JSON: {e.Message}", e);
        }
    }
}
