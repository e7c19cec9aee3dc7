using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AppHost;

/// <summary>HTTP-01 (RFC 8555 §8.3): the CA fetches a token's key authorization over plain HTTP on port 80.</summary>
public static class AcmeHttpChallenge
{
    private const string ChallengePrefix = "/.well-known/acme-challenge/";

    /// <summary>
    /// Answers the ACME CA's HTTP-01 requests, <c>GET /.well-known/acme-challenge/{token}</c> for a
    /// token an order has put up, with 200 and the key authorization as
    /// <c>application/octet-stream</c>; every other request passes on unchanged. Place it after
    /// the request log (so validations are logged) and before host filtering and the redirect to
    /// HTTPS, so the CA is answered on the plain listener whatever the host list says.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="tls">The certificate in service; without ACME (null, or <c>--cert</c>) this adds nothing.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseAcmeHttpChallenge(this WebApplication app, ServerTls? tls)
    {
        if (tls?.Challenges is not { } challenges)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            var request = context.Request;
            if (!HttpMethods.IsGet(request.Method)
                || request.Path.Value is not { } path
                || !path.StartsWith(ChallengePrefix, StringComparison.Ordinal)
                || challenges.Http01KeyAuthorization(path[ChallengePrefix.Length..]) is not { } keyAuthorization)
            {
                return next(context);
            }

            // Tokens are random (at least 128 bits, RFC 8555 §8.3) and the pending list is keyed
            // by token alone, so the Host header (name:port, as the CA sent it) is not checked.
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/octet-stream";
            response.ContentLength = keyAuthorization.Length;
            return response.WriteAsync(keyAuthorization, context.RequestAborted);
        });
    }
}
