using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Acme.Protocol;

/// <summary>
/// Every message a CA sends is read as the serializer read it: answers shaped like Let's Encrypt's and
/// Pebble's, with members this client does not know. What is not the message fails with one line.
/// </summary>
public sealed class AcmeJsonTests
{
    private static readonly ReferenceJsonContext Reference = ReferenceJsonContext.Default;

    [Fact]
    public void ADirectoryIsReadWithItsMetaAndWithoutWhatItDoesNotKnow()
    {
        const string directory = """
            {
              "keyChange": "https://acme-v02.api.letsencrypt.org/acme/key-change",
              "meta": {
                "caaIdentities": ["letsencrypt.org"],
                "profiles": {"classic": "https://letsencrypt.org/docs/profiles#classic", "shortlived": "..."},
                "termsOfService": "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf",
                "website": "https://letsencrypt.org"
              },
              "newAccount": "https://acme-v02.api.letsencrypt.org/acme/new-acct",
              "newNonce": "https://acme-v02.api.letsencrypt.org/acme/new-nonce",
              "newOrder": "https://acme-v02.api.letsencrypt.org/acme/new-order",
              "renewalInfo": "https://acme-v02.api.letsencrypt.org/acme/renewal-info",
              "revokeCert": "https://acme-v02.api.letsencrypt.org/acme/revoke-cert",
              "sKJ8hXaZ3pQ": "https://community.letsencrypt.org/t/adding-random-entries-to-the-directory/33417"
            }
            """;

        var read = ReadsAsTheSerializer(directory, AcmeJson.Directory, Reference.AcmeDirectory);

        Assert.Equal("https://acme-v02.api.letsencrypt.org/acme/new-order", read.NewOrder.AbsoluteUri);
        Assert.Equal("https://acme-v02.api.letsencrypt.org/acme/renewal-info", read.RenewalInfo!.AbsoluteUri);
        Assert.Null(read.Meta!.ExternalAccountRequired);
        ReadsAsTheSerializer("""{"newNonce":"/n","newAccount":"/a","newOrder":"/o","meta":{"externalAccountRequired":true}}""",
            AcmeJson.Directory, Reference.AcmeDirectory);
    }

    [Fact]
    public void AnAccountIsRead()
    {
        ReadsAsTheSerializer("""{"key":{"kty":"EC"},"contact":["mailto:ops@example.com"],"initialIp":"192.0.2.1","createdAt":"2026-12-01T10:00:00Z","status":"valid"}""",
            AcmeJson.Account, Reference.AcmeAccount);
        ReadsAsTheSerializer("""{"status":"valid","contact":null}""", AcmeJson.Account, Reference.AcmeAccount);
    }

    [Fact]
    public void OrdersAreReadPendingReadyAndInvalid()
    {
        var pending = ReadsAsTheSerializer("""
            {"status":"pending","expires":"2026-12-13T03:00:00Z","identifiers":[{"type":"dns","value":"a.example.com"}],
             "profile":"classic","authorizations":["https://ca.test/authz/1"],"finalize":"https://ca.test/finalize/1"}
            """, AcmeJson.Order, Reference.AcmeOrder);
        Assert.Equal(new DateTimeOffset(2026, 12, 13, 3, 0, 0, TimeSpan.Zero), pending.Expires);
        Assert.Equal("a.example.com", Assert.Single(pending.Identifiers).Value);

        ReadsAsTheSerializer("""
            {"status":"valid","expires":"2026-12-13T03:00:00.123456789+01:00","identifiers":[],"authorizations":[],
             "finalize":"https://ca.test/finalize/1","certificate":"https://ca.test/cert/ab12"}
            """, AcmeJson.Order, Reference.AcmeOrder);
        var invalid = ReadsAsTheSerializer("""
            {"status":"invalid","identifiers":[{"type":"dns","value":"a.example.com"}],"authorizations":["https://ca.test/authz/1"],
             "finalize":"https://ca.test/finalize/1",
             "error":{"type":"urn:ietf:params:acme:error:unauthorized","detail":"Some identifiers were not authorized","status":403}}
            """, AcmeJson.Order, Reference.AcmeOrder);
        Assert.Equal(403, invalid.Error!.Status);
    }

    [Fact]
    public void AnAuthorizationIsReadWithItsChallenges()
    {
        var authorization = ReadsAsTheSerializer("""
            {
              "identifier": {"type": "dns", "value": "a.example.com"},
              "status": "pending",
              "expires": "2026-12-13T03:00:00Z",
              "challenges": [
                {"type": "http-01", "url": "https://ca.test/chall/1", "status": "pending", "token": "tok1"},
                {"type": "dns-01", "url": "https://ca.test/chall/2", "status": "pending", "token": "tok2"},
                {"type": "tls-alpn-01", "url": "https://ca.test/chall/3", "status": "invalid", "token": "tok3",
                 "validated": "2026-12-06T03:00:00Z", "validationRecord": [{"hostname": "a.example.com", "port": "443"}],
                 "error": {"type": "urn:ietf:params:acme:error:connection", "detail": "refused", "status": 400}}
              ],
              "wildcard": false
            }
            """, AcmeJson.Authorization, Reference.AcmeAuthorization);

        Assert.Equal(["http-01", "dns-01", "tls-alpn-01"], authorization.Challenges.Select(c => c.Type));
        Assert.Equal("urn:ietf:params:acme:error:connection: refused", authorization.Challenges[2].Error!.ToString());
    }

    [Fact]
    public void AChallengeIsRead()
    {
        ReadsAsTheSerializer("""{"type":"tls-alpn-01","url":"https://ca.test/chall/3","status":"processing","token":"tok3"}""",
            AcmeJson.Challenge, Reference.AcmeChallenge);
        ReadsAsTheSerializer("""{"type":"http-01","url":"https://ca.test/chall/1","status":"valid","token":null,"error":null}""",
            AcmeJson.Challenge, Reference.AcmeChallenge);
    }

    [Fact]
    public void RenewalInfoIsReadWithTheRfcsSpellingOfItsExplanation()
    {
        const string json = """
            {"suggestedWindow":{"start":"2026-12-05T00:00:00Z","end":"2026-12-06T00:00:00Z"},
             "explanationURL":"https://ca.test/why"}
            """;

        var info = AcmeJson.RenewalInfo.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), info.SuggestedWindow.End);
        // The serializer's camelCase looked for "explanationUrl" and never found RFC 9773's member.
        Assert.Equal("https://ca.test/why", info.ExplanationUrl!.AbsoluteUri);
        ReadsAsTheSerializer("""{"suggestedWindow":{"start":"2026-12-05T00:00:00Z","end":"2026-12-06T00:00:00Z","x":[]}}""",
            AcmeJson.RenewalInfo, Reference.AcmeRenewalInfo);
    }

    [Fact]
    public void AProblemIsReadWithItsSubproblems()
    {
        var problem = ReadsAsTheSerializer("""
            {"type":"urn:ietf:params:acme:error:rejectedIdentifier","detail":"Error creating new order","status":400,
             "instance":"https://ca.test/docs/1",
             "subproblems":[{"type":"urn:ietf:params:acme:error:caa","detail":"CAA forbids","identifier":{"type":"dns","value":"b.example.com"}}]}
            """, AcmeJson.Problem, Reference.AcmeProblem);

        Assert.Equal("urn:ietf:params:acme:error:rejectedIdentifier: Error creating new order; b.example.com urn:ietf:params:acme:error:caa: CAA forbids",
            problem.ToString());
        ReadsAsTheSerializer("{}", AcmeJson.Problem, Reference.AcmeProblem);
    }

    [Theory]
    [InlineData("""{"status":"pending","identifiers":[],"authorizations":[]}""", "'finalize' is missing")]
    [InlineData("""{"status":"pending","identifiers":[],"finalize":"https://ca.test/f"}""", "'authorizations' is missing")]
    [InlineData("""{"status":null,"identifiers":[],"authorizations":[],"finalize":"https://ca.test/f"}""", "'status' is missing")]
    [InlineData("""{"status":"pending","identifiers":[{"type":"dns"}],"authorizations":[],"finalize":"https://ca.test/f"}""", "'identifier.value' is missing")]
    public void AnOrderWithoutARequiredMemberIsRefusedNamingIt(string json, string expected) =>
        RefusedSaying(json, AcmeJson.Order, expected);

    [Theory]
    [InlineData("""{"status":"pending","identifiers":[],"authorizations":[],"finalize":42}""", "'finalize' is Number, not a string")]
    [InlineData("""{"status":true,"identifiers":[],"authorizations":[],"finalize":"/f"}""", "'status' is True, not a string")]
    [InlineData("""{"status":"pending","identifiers":{},"authorizations":[],"finalize":"/f"}""", "'identifiers' is StartObject, not an array")]
    [InlineData("""{"status":"pending","identifiers":[],"authorizations":[],"finalize":"/f","expires":"tomorrow"}""", "'expires' is String, not a date and time")]
    [InlineData("""{"status":"pending","identifiers":[],"authorizations":[],"finalize":"/f","error":"no"}""", "'problem' is String, not an object")]
    [InlineData("""{"status":"pending","identifiers":[],"authorizations":[],"finalize":"/f"} {}""", "is not valid JSON")]
    [InlineData("""{"status":"pending",""", "is not valid JSON")]
    [InlineData("[]", "'order' is StartArray, not an object")]
    [InlineData("null", "the CA answered with an empty AcmeOrder")]
    public void AnOrderOfTheWrongShapeIsRefusedInOneLine(string json, string expected) =>
        RefusedSaying(json, AcmeJson.Order, expected);

    [Fact]
    public void OtherMessagesWithoutARequiredMemberAreRefused()
    {
        RefusedSaying("""{"newNonce":"/n","newAccount":"/a"}""", AcmeJson.Directory, "'newOrder' is missing");
        RefusedSaying("""{"contact":[]}""", AcmeJson.Account, "'status' is missing");
        RefusedSaying("""{"status":"pending","challenges":[]}""", AcmeJson.Authorization, "'identifier' is missing");
        RefusedSaying("""{"type":"http-01","status":"pending"}""", AcmeJson.Challenge, "'challenge.url' is missing");
        RefusedSaying("""{"suggestedWindow":{"start":"2026-12-05T00:00:00Z"}}""", AcmeJson.RenewalInfo, "'suggestedWindow.end' is missing");
        RefusedSaying("""{"status":"x"}""", AcmeJson.Problem, "'status' is String, not a whole number");
    }

    private static T ReadsAsTheSerializer<T>(string json, JsonMessage<T> message, JsonTypeInfo<T> reference) where T : class
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        var read = message.Parse(body);
        var expected = JsonSerializer.Deserialize(body, reference)!;
        // Written back by the serializer, both must say the same: every member read alike.
        Assert.Equal(JsonSerializer.Serialize(expected, reference), JsonSerializer.Serialize(read, reference));
        return read;
    }

    private static void RefusedSaying<T>(string json, JsonMessage<T> message, string expected) where T : class
    {
        var e = Assert.Throws<InvalidDataException>(() => message.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("the CA", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
