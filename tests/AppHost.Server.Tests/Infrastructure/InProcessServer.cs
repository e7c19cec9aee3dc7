using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// The package's listeners (<see cref="Listeners.ListenAppHost"/>) on 127.0.0.1 in this test
/// process, for mechanisms a test must drive from inside: a <see cref="ServerTls"/> built in the
/// test, pending ACME challenges, a stop at a chosen moment. The pipeline is the template's order
/// for these pieces: the graceful stop, HTTP-01, then the redirect to HTTPS, then one endpoint
/// that says "site" unless the test brings its own.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, LogEntries log)
    {
        _app = app;
        Log = log;
    }

    /// <summary>The HTTPS (or only) listener's port.</summary>
    public int Port { get; private set; }

    /// <summary>Every event Kestrel and ASP.NET Core logged, Debug and above.</summary>
    public LogEntries Log { get; }

    /// <param name="port">The HTTPS (or only) listener's port when it cannot be read from the server's addresses (a socket passed by systemd).</param>
    /// <param name="site">What answers every request the earlier pieces leave; "site" if null.</param>
    internal static async Task<InProcessServer> StartAsync(ServerTls? tls, int? httpPort = null, ServiceManager? serviceManager = null, int? port = null,
        RequestDelegate? site = null)
    {
        var log = new LogEntries();
        var builder = WebApplication.CreateEmptyBuilder(new());
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(log);
        var options = new ServerOptions { Host = IPAddress.Loopback, Port = 0, HttpPort = httpPort };
        var sockets = serviceManager ?? ServiceManager.FromEnvironment();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.ListenAppHost(options, sockets, tls));

        var app = builder.Build();
        app.UseGracefulStop();
        app.UseAcmeHttpChallenge(tls);
        if (tls is not null)
        {
            app.UseRedirectToHttps();
        }

        app.Run(site ?? (context => context.Response.WriteAsync("site")));
        await app.StartAsync();
        var server = new InProcessServer(app, log);
        server.Port = port ?? app.Urls.Select(url => new Uri(url)).First(url => url.Scheme == (tls is null ? "http" : "https")).Port;
        return server;
    }

    /// <summary>Stops the server as SIGTERM would: Kestrel asks every connection to close, and the graceful stop steps in.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A logger provider that keeps what it is given, for tests that assert on log levels.</summary>
    public sealed class LogEntries : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
        }
    }
}
