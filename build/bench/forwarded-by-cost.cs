#!/usr/bin/env dotnet
// Measures what --forwarded-by costs per request in-process, in ns and bytes: UseForwardedBy against no middleware and
// against ASP.NET Core's ForwardedHeadersMiddleware as UseForwardedBy used it before 826f958. Run: dotnet run -c Release build/bench/forwarded-by-cost.cs [rounds]
#:sdk Microsoft.NET.Sdk.Web
#:property PublishAot=false
#:project ../../src/AppHost.Server/AppHost.Server.csproj

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using AppHost;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Primitives;
using IPNetwork = System.Net.IPNetwork;

if (typeof(ForwardedBy).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
{
    Console.Error.WriteLine("error: AppHost.Server was built without optimisation, which is not what runs; run with -c Release");
    return 2;
}

// Rounds interleave the three pipelines, so a drift of the machine hits them alike; 11 by default, as build/measure-startup.cs.
int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 11;
// Requests per pipeline and round: about 0.1-1 s each, long enough that the timer's resolution does not matter.
const int Requests = 1_000_000;

// The benchmark's set-up (build/bench/balancer-cost.sh): a trusted balancer names one client and the scheme.
IReadOnlyList<IPNetwork> trusted = [IPNetwork.Parse("127.0.0.1/32")];
var balancer = IPAddress.Loopback;
var forwardedFor = new StringValues("198.51.100.7");
var forwardedProto = new StringValues("https");

// No host: the only service asked for is ForwardedHeadersMiddleware's logger factory.
#pragma warning disable ASP0000 // a provider of its own is what this script wants, not a second copy of a host's
var services = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider();
#pragma warning restore ASP0000
(string Name, RequestDelegate Run)[] pipelines =
[
    ("no middleware", Pipeline(_ => { })),
    ("UseForwardedBy", Pipeline(app => app.UseForwardedBy(trusted))),
    ("ForwardedHeadersMiddleware", Pipeline(app => UseForwardedHeadersAsBefore(app, trusted))),
];

var context = new DefaultHttpContext();
var nanoseconds = pipelines.Select(_ => new List<double>()).ToArray();
var bytes = new long[pipelines.Length];
for (int round = 0; round <= rounds; round++)
{
    for (int p = 0; p < pipelines.Length; p++)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < Requests; i++)
        {
            Reset(context);
            pipelines[p].Run(context).GetAwaiter().GetResult();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        // Round 0 warms up (the JIT's tiers): not counted.
        if (round > 0)
        {
            nanoseconds[p].Add(elapsed.TotalNanoseconds / Requests);
            bytes[p] = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Requests;
        }

        if (p > 0 && (context.Connection.RemoteIpAddress?.ToString(), context.Request.Scheme) != ("198.51.100.7", "https"))
        {
            Console.Error.WriteLine($"error: {pipelines[p].Name} did not take the client and scheme from the headers");
            return 1;
        }
    }
}

double baseline = Median(nanoseconds[0]);
Console.WriteLine($"{rounds} rounds of {Requests:N0} requests each, {Environment.ProcessorCount} cores, .NET {Environment.Version} (JIT)");
Console.WriteLine("| pipeline | ns per request, median (range) | over no middleware | bytes per request |");
Console.WriteLine("| --- | --- | --- | --- |");
for (int p = 0; p < pipelines.Length; p++)
{
    double median = Median(nanoseconds[p]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {pipelines[p].Name} | {median:F0} ({nanoseconds[p].Min():F0}-{nanoseconds[p].Max():F0}) | {median - baseline:F0} ns | {bytes[p]} ({bytes[p] - bytes[0]:+0;-0;0}) |"));
}

return 0;

RequestDelegate Pipeline(Action<IApplicationBuilder> add)
{
    var app = new ApplicationBuilder(services);
    add(app);
    app.Run(_ => Task.CompletedTask);
    return app.Build();
}

// Each request as the balancer sends it: every pipeline pays this alike.
void Reset(HttpContext request)
{
    request.Connection.RemoteIpAddress = balancer;
    request.Connection.RemotePort = 50000;
    request.Request.Scheme = "http";
    var headers = request.Request.Headers;
    headers.Clear();
    headers["X-Forwarded-For"] = forwardedFor;
    headers["X-Forwarded-Proto"] = forwardedProto;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

// UseForwardedBy as it was until 826f958 (git show 826f958^:src/AppHost.Server/Listening/ForwardedBy.cs), kept here to compare with.
static IApplicationBuilder UseForwardedHeadersAsBefore(IApplicationBuilder app, IReadOnlyList<IPNetwork> trusted)
{
    var options = new ForwardedHeadersOptions
    {
        ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
        ForwardLimit = null,
    };
    options.KnownProxies.Clear();
    options.KnownIPNetworks.Clear();
    foreach (var network in trusted)
    {
        options.KnownIPNetworks.Add(network);
    }

    app.Use((context, next) =>
    {
        var peer = context.Connection.RemoteIpAddress;
        var address = peer is { IsIPv4MappedToIPv6: true } ? peer.MapToIPv4() : peer;
        bool known = false;
        foreach (var network in trusted)
        {
            known |= address is not null && network.Contains(address);
        }

        if (!known)
        {
            context.Request.Headers.Remove(options.ForwardedForHeaderName);
            context.Request.Headers.Remove(options.ForwardedProtoHeaderName);
        }

        return next(context);
    });
    return app.UseForwardedHeaders(options);
}
