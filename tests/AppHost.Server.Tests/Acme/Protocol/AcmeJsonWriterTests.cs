using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Acme.Protocol;

/// <summary>Every request the client sends is written byte for byte as the serializer wrote it.</summary>
public sealed class AcmeJsonWriterTests
{
    private static readonly ReferenceJsonContext Reference = ReferenceJsonContext.Default;

    [Fact]
    public void AccountRequestsLeaveOutWhatIsNotSet()
    {
        Same("""{"onlyReturnExisting":true}""", new AcmeAccountRequest(OnlyReturnExisting: true), AcmeJsonWriter.Write, Reference.AcmeAccountRequest);
        Same("""{"termsOfServiceAgreed":true,"contact":["mailto:ops\u002Bacme@example.com"]}""",
            new AcmeAccountRequest(TermsOfServiceAgreed: true, Contact: ["mailto:ops+acme@example.com"]), AcmeJsonWriter.Write, Reference.AcmeAccountRequest);
        Same("""{"termsOfServiceAgreed":false,"onlyReturnExisting":false}""",
            new AcmeAccountRequest(TermsOfServiceAgreed: false, OnlyReturnExisting: false), AcmeJsonWriter.Write, Reference.AcmeAccountRequest);
        Same("{}", new AcmeAccountRequest(), AcmeJsonWriter.Write, Reference.AcmeAccountRequest);
    }

    [Fact]
    public void OrderRequestsNameReplacesOnlyWhenGiven()
    {
        AcmeIdentifier[] names = [AcmeIdentifier.Dns("a.example.com"), AcmeIdentifier.Dns("bücher.example")];
        Same("""{"identifiers":[{"type":"dns","value":"a.example.com"},{"type":"dns","value":"b\u00FCcher.example"}]}""",
            new AcmeOrderRequest(names), AcmeJsonWriter.Write, Reference.AcmeOrderRequest);
        Same("""{"identifiers":[],"replaces":"aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"}""",
            new AcmeOrderRequest([], "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"), AcmeJsonWriter.Write, Reference.AcmeOrderRequest);
    }

    [Fact]
    public void FinalizeAndDeactivationCarryOneMember()
    {
        Same("""{"csr":"MIIBDzCBtwIBADAa"}""", new AcmeFinalizeRequest("MIIBDzCBtwIBADAa"), AcmeJsonWriter.Write, Reference.AcmeFinalizeRequest);
        Same("""{"status":"deactivated"}""", new AcmeStatusRequest("deactivated"), AcmeJsonWriter.Write, Reference.AcmeStatusRequest);
    }

    [Fact]
    public void JwsHeadersCarryTheKeyOrTheKidAndEscapeAsTheSerializerDid()
    {
        var jwk = new EcJwk("P-256", "EC", "OmjGB5LQ9G5Sd89Jk65Kb_Fgui5ICryh9lyoJAHWEok", "70YGE61vf9Tgb6h9J-_RQcBaDujEJTj_7kFKcBT67yY");
        Same("""{"alg":"ES256","nonce":"n-1","url":"https://ca.test/new-acct","jwk":{"crv":"P-256","kty":"EC","x":"OmjGB5LQ9G5Sd89Jk65Kb_Fgui5ICryh9lyoJAHWEok","y":"70YGE61vf9Tgb6h9J-_RQcBaDujEJTj_7kFKcBT67yY"}}""",
            new JwsHeader("ES256", "n-1", "https://ca.test/new-acct", Jwk: jwk), AcmeJsonWriter.Write, Reference.JwsHeader);
        Same("""{"alg":"ES256","nonce":"a\u002Bb\u003C\u0022","url":"https://ca.test/order?a=1\u0026b=2","kid":"https://ca.test/acct/7"}""",
            new JwsHeader("ES256", "a+b<\"", "https://ca.test/order?a=1&b=2", Kid: "https://ca.test/acct/7"), AcmeJsonWriter.Write, Reference.JwsHeader);
    }

    [Fact]
    public void JwsMessagesHaveTheThreeFlattenedMembers()
    {
        Same("""{"protected":"eyJh","payload":"","signature":"c2ln"}""", new JwsMessage("eyJh", "", "c2ln"), AcmeJsonWriter.Write, Reference.JwsMessage);
    }

    private static void Same<T>(string expected, T message, Func<T, byte[]> write, JsonTypeInfo<T> reference)
    {
        string written = Encoding.UTF8.GetString(write(message));
        Assert.Equal(expected, written);
        Assert.Equal(JsonSerializer.Serialize(message, reference), written);
    }
}
