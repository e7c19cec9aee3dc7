using System.Net;
using System.Text;

namespace AppHost.Acme.Protocol;

/// <summary>
/// An RFC 7807 problem document as ACME sends it (RFC 8555 §6.7): a type URN such as
/// <c>urn:ietf:params:acme:error:badNonce</c>, a human-readable detail, and per-identifier subproblems.
/// </summary>
internal sealed record AcmeProblem(
    string? Type = null,
    string? Detail = null,
    int? Status = null,
    AcmeIdentifier? Identifier = null,
    IReadOnlyList<AcmeProblem>? Subproblems = null)
{
    public const string BadNonce = "urn:ietf:params:acme:error:badNonce";
    public const string AccountDoesNotExist = "urn:ietf:params:acme:error:accountDoesNotExist";
    public const string RateLimited = "urn:ietf:params:acme:error:rateLimited";

    /// <summary>One line for the log: type, detail, then each subproblem with its identifier.</summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(Type ?? "(no type)");
        if (!string.IsNullOrEmpty(Detail))
        {
            line.Append(": ").Append(Detail);
        }

        foreach (var sub in Subproblems ?? [])
        {
            line.Append("; ");
            if (sub.Identifier is { } id)
            {
                line.Append(id.Value).Append(' ');
            }

            line.Append(sub.Type).Append(": ").Append(sub.Detail);
        }

        return line.ToString();
    }
}

/// <summary>
/// The CA refused a request or failed a challenge. Carries the CA's own problem document so the
/// log line says exactly what the CA said, and the time the CA asked us to wait until, if any.
/// </summary>
internal sealed class AcmeProblemException : Exception
{
    public AcmeProblemException(AcmeProblem problem, HttpStatusCode? status = null, DateTimeOffset? retryAfter = null)
        : base(problem.ToString())
    {
        Problem = problem;
        HttpStatus = status;
        RetryAfter = retryAfter;
    }

    public AcmeProblem Problem { get; }

    /// <summary>The HTTP status of the response, or null when the problem came inside a challenge or order object.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>When the CA said to try again (the Retry-After header), or null if it did not say.</summary>
    public DateTimeOffset? RetryAfter { get; }

    /// <summary>The challenge type that failed, when the problem is a failed validation; the next order can pick another.</summary>
    public string? ChallengeType { get; init; }
}
