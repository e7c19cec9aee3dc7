using System.Buffers;
using System.Text.Json;

namespace AppHost.Acme.Protocol;

/// <summary>
/// Writes the messages of AcmeMessages.cs this client sends, by hand for the reason
/// <see cref="JsonMessage{T}"/> gives. Members in the records' order, camelCase, no whitespace; an
/// absent optional member is left out, because some requests mean something different with an
/// explicit null (a newOrder "replaces": null). Strings are escaped as the serializer escaped them.
/// </summary>
internal static class AcmeJsonWriter
{
    public static byte[] Write(AcmeAccountRequest request) => Write(request, static (json, request) =>
    {
        if (request.TermsOfServiceAgreed is { } agreed)
        {
            json.WriteBoolean("termsOfServiceAgreed", agreed);
        }

        if (request.Contact is { } contact)
        {
            json.WriteStartArray("contact");
            foreach (string address in contact)
            {
                json.WriteStringValue(address);
            }

            json.WriteEndArray();
        }

        if (request.OnlyReturnExisting is { } onlyExisting)
        {
            json.WriteBoolean("onlyReturnExisting", onlyExisting);
        }
    });

    public static byte[] Write(AcmeOrderRequest request) => Write(request, static (json, request) =>
    {
        json.WriteStartArray("identifiers");
        foreach (var identifier in request.Identifiers)
        {
            json.WriteStartObject();
            json.WriteString("type", identifier.Type);
            json.WriteString("value", identifier.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteIfPresent(json, "replaces", request.Replaces);
    });

    public static byte[] Write(AcmeFinalizeRequest request) =>
        Write(request, static (json, request) => json.WriteString("csr", request.Csr));

    public static byte[] Write(AcmeStatusRequest request) =>
        Write(request, static (json, request) => json.WriteString("status", request.Status));

    public static byte[] Write(JwsHeader header) => Write(header, static (json, header) =>
    {
        json.WriteString("alg", header.Alg);
        json.WriteString("nonce", header.Nonce);
        json.WriteString("url", header.Url);
        WriteIfPresent(json, "kid", header.Kid);
        if (header.Jwk is { } jwk)
        {
            json.WriteStartObject("jwk");
            json.WriteString("crv", jwk.Crv);
            json.WriteString("kty", jwk.Kty);
            json.WriteString("x", jwk.X);
            json.WriteString("y", jwk.Y);
            json.WriteEndObject();
        }
    });

    public static byte[] Write(JwsMessage message) => Write(message, static (json, message) =>
    {
        json.WriteString("protected", message.Protected);
        json.WriteString("payload", message.Payload);
        json.WriteString("signature", message.Signature);
    });

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static byte[] Write<T>(T message, Action<Utf8JsonWriter, T> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            members(json, message);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
