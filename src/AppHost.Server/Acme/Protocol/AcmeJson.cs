using System.Text.Json;
using static AppHost.Acme.Protocol.JsonFields;

namespace AppHost.Acme.Protocol;

/// <summary>
/// Reads the messages of AcmeMessages.cs a CA sends. Member names are ACME's camelCase,
/// matched exactly; unknown members are skipped, since CAs add them.
/// </summary>
internal static class AcmeJson
{
    public static readonly JsonMessage<AcmeDirectory> Directory = new(nameof(AcmeDirectory), ReadDirectory);
    public static readonly JsonMessage<AcmeAccount> Account = new(nameof(AcmeAccount), ReadAccount);
    public static readonly JsonMessage<AcmeOrder> Order = new(nameof(AcmeOrder), ReadOrder);
    public static readonly JsonMessage<AcmeAuthorization> Authorization = new(nameof(AcmeAuthorization), ReadAuthorization);
    public static readonly JsonMessage<AcmeChallenge> Challenge = new(nameof(AcmeChallenge), ReadChallenge);
    public static readonly JsonMessage<AcmeRenewalInfo> RenewalInfo = new(nameof(AcmeRenewalInfo), ReadRenewalInfo);
    public static readonly JsonMessage<AcmeProblem> Problem = new(nameof(AcmeProblem), ReadProblem);

    private static AcmeDirectory ReadDirectory(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "directory");
        Uri? newNonce = null, newAccount = null, newOrder = null, revokeCert = null, keyChange = null, renewalInfo = null;
        AcmeDirectoryMeta? meta = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "newNonce": newNonce = Url(ref reader, name); break;
                case "newAccount": newAccount = Url(ref reader, name); break;
                case "newOrder": newOrder = Url(ref reader, name); break;
                case "revokeCert": revokeCert = Url(ref reader, name); break;
                case "keyChange": keyChange = Url(ref reader, name); break;
                case "renewalInfo": renewalInfo = Url(ref reader, name); break;
                case "meta": meta = Object(ref reader, ReadDirectoryMeta); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeDirectory(Required(newNonce, "newNonce"), Required(newAccount, "newAccount"), Required(newOrder, "newOrder"),
            revokeCert, keyChange, renewalInfo, meta);
    }

    private static AcmeDirectoryMeta ReadDirectoryMeta(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "meta");
        Uri? termsOfService = null;
        bool? externalAccountRequired = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "termsOfService": termsOfService = Url(ref reader, name); break;
                case "externalAccountRequired": externalAccountRequired = Flag(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeDirectoryMeta(termsOfService, externalAccountRequired);
    }

    private static AcmeAccount ReadAccount(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "account");
        string? status = null;
        List<string>? contact = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "status": status = Text(ref reader, name); break;
                case "contact": contact = Texts(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeAccount(Required(status, "status"), contact);
    }

    private static AcmeIdentifier ReadIdentifier(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "identifier");
        string? type = null, value = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "type": type = Text(ref reader, name); break;
                case "value": value = Text(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeIdentifier(Required(type, "identifier.type"), Required(value, "identifier.value"));
    }

    private static AcmeOrder ReadOrder(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "order");
        string? status = null;
        List<AcmeIdentifier>? identifiers = null;
        List<Uri>? authorizations = null;
        Uri? finalize = null, certificate = null;
        DateTimeOffset? expires = null;
        AcmeProblem? error = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "status": status = Text(ref reader, name); break;
                case "identifiers": identifiers = Array(ref reader, name, ReadIdentifier); break;
                case "authorizations": authorizations = Urls(ref reader, name); break;
                case "finalize": finalize = Url(ref reader, name); break;
                case "certificate": certificate = Url(ref reader, name); break;
                case "expires": expires = Time(ref reader, name); break;
                case "error": error = Object(ref reader, ReadProblem); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeOrder(Required(status, "status"), Required(identifiers, "identifiers"), Required(authorizations, "authorizations"),
            Required(finalize, "finalize"), certificate, expires, error);
    }

    private static AcmeAuthorization ReadAuthorization(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "authorization");
        string? status = null;
        AcmeIdentifier? identifier = null;
        List<AcmeChallenge>? challenges = null;
        bool? wildcard = null;
        DateTimeOffset? expires = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "status": status = Text(ref reader, name); break;
                case "identifier": identifier = Object(ref reader, ReadIdentifier); break;
                case "challenges": challenges = Array(ref reader, name, ReadChallenge); break;
                case "wildcard": wildcard = Flag(ref reader, name); break;
                case "expires": expires = Time(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeAuthorization(Required(status, "status"), Required(identifier, "identifier"), Required(challenges, "challenges"),
            wildcard, expires);
    }

    private static AcmeChallenge ReadChallenge(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "challenge");
        string? type = null, status = null, token = null;
        Uri? url = null;
        AcmeProblem? error = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "type": type = Text(ref reader, name); break;
                case "url": url = Url(ref reader, name); break;
                case "status": status = Text(ref reader, name); break;
                case "token": token = Text(ref reader, name); break;
                case "error": error = Object(ref reader, ReadProblem); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeChallenge(Required(type, "challenge.type"), Required(url, "challenge.url"), Required(status, "challenge.status"), token, error);
    }

    private static AcmeRenewalInfo ReadRenewalInfo(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "renewalInfo");
        AcmeRenewalWindow? window = null;
        Uri? explanationUrl = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "suggestedWindow": window = Object(ref reader, ReadRenewalWindow); break;
                // RFC 9773 §4.2 spells it so; the serializer's camelCase looked for "explanationUrl".
                case "explanationURL": explanationUrl = Url(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeRenewalInfo(Required(window, "suggestedWindow"), explanationUrl);
    }

    private static AcmeRenewalWindow ReadRenewalWindow(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "suggestedWindow");
        DateTimeOffset? start = null, end = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "start": start = Time(ref reader, name); break;
                case "end": end = Time(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeRenewalWindow(Required(start, "suggestedWindow.start"), Required(end, "suggestedWindow.end"));
    }

    private static AcmeProblem ReadProblem(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "problem");
        string? type = null, detail = null;
        int? status = null;
        AcmeIdentifier? identifier = null;
        List<AcmeProblem>? subproblems = null;
        while (NextMember(ref reader, out string name))
        {
            switch (name)
            {
                case "type": type = Text(ref reader, name); break;
                case "detail": detail = Text(ref reader, name); break;
                case "status": status = Number(ref reader, name); break;
                case "identifier": identifier = Object(ref reader, ReadIdentifier); break;
                case "subproblems": subproblems = Array(ref reader, name, ReadProblem); break;
                default: reader.Skip(); break;
            }
        }

        return new AcmeProblem(type, detail, status, identifier, subproblems);
    }
}
