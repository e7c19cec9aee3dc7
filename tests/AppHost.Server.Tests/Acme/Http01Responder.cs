using System.Net;
using AppHost.Acme.Challenges;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Server.Tests.Acme;

/// <summary>
/// The least an HTTP-01 responder does, for testing the order against Pebble before the package's own
/// middleware exists: GET /.well-known/acme-challenge/{token} answers the key authorization pending
/// for that token, anything else 404. On 127.0.0.1, a port of its own.
/// </summary>
internal sealed class Http01Responder : IAsyncDisposable
{
    private const string Prefix = "/.well-known/acme-challenge/";

    private readonly WebApplication _app;
    private int _answered;

    private Http01Responder(WebApplication app, PendingChallenges pending)
    {
        _app = app;
        app.Run(async context =>
        {
            string path = context.Request.Path.Value ?? "";
            if (HttpMethods.IsGet(context.Request.Method) && path.StartsWith(Prefix, StringComparison.Ordinal)
                && pending.Http01KeyAuthorization(path[Prefix.Length..]) is { } keyAuthorization)
            {
                Interlocked.Increment(ref _answered);
                context.Response.ContentType = "application/octet-stream";
                await context.Response.WriteAsync(keyAuthorization);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
        });
    }

    public int Port { get; private set; }

    /// <summary>How many challenge requests got a key authorization.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public static async Task<Http01Responder> StartAsync(PendingChallenges pending)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var responder = new Http01Responder(builder.Build(), pending);
        await responder._app.StartAsync();
        string address = responder._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        responder.Port = new Uri(address).Port;
        return responder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
