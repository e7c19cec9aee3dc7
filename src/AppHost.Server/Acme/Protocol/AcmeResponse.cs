using System.Net;

namespace AppHost.Acme.Protocol;

/// <summary>A successful ACME response, read whole: ACME bodies are small JSON objects or one PEM chain.</summary>
internal sealed record AcmeResponse(HttpStatusCode Status, Uri? Location, DateTimeOffset? RetryAfter, string? ContentType, byte[] Body)
{
    public T Read<T>(JsonMessage<T> message) where T : class => message.Parse(Body);
}
