using System.Reflection;
using AppHost.Contract;
using AppHost.Files;
using Microsoft.AspNetCore.Builder;

namespace AppHost.Running;

/// <summary>Writes the ready file (<see cref="ReadyFile"/>) once the server listens, and removes it when the server stops.</summary>
internal static class ReadyFileWriter
{
    /// <param name="path">--ready-file.</param>
    /// <param name="app">The started app: its addresses are the bound ones, ports picked by the system included.</param>
    /// <param name="tls">The certificate in service, or null for plain HTTP.</param>
    /// <param name="appName">The app's name.</param>
    /// <exception cref="StartupException">The file cannot be written.</exception>
    public static void Write(string path, WebApplication app, ServerTls? tls, string appName)
    {
        // With TLS, the plain listener is the redirect; without, every listener is the server itself.
        ReadyFile.Listener[] listeners = [.. app.Urls.Select(url => new ReadyFile.Listener(
            tls is not null && url.StartsWith("http://", StringComparison.Ordinal) ? ReadyFile.RedirectRole : ReadyFile.ServerRole, new Uri(url)))];
        // The metrics listener is a server of its own (MetricsEndpoint), not among the app's addresses.
        if (((IApplicationBuilder)app).Properties.TryGetValue(MetricsEndpoint.AddressProperty, out var metrics) && metrics is Uri metricsUrl)
        {
            listeners = [.. listeners, new ReadyFile.Listener(ReadyFile.MetricsRole, metricsUrl)];
        }

        var ready = new ReadyFile(Environment.ProcessId, appName, VersionOf(Assembly.GetEntryAssembly()), VersionOf(typeof(ReadyFileWriter).Assembly), listeners);
        try
        {
            AtomicFile.Write(path, ready.ToJson());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot write {OptionNames.ReadyFile} '{path}': {e.Message}; give a file in a folder that exists and that the server may write", e);
        }

        // Gone as the drain begins: a tool that finds the file may send requests.
        app.Lifetime.ApplicationStopping.Register(() => File.Delete(path));
    }

    /// <summary>An assembly's informational version, as the ready file and the build-info metric give it.</summary>
    internal static string VersionOf(Assembly? assembly) =>
        assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly?.GetName().Version?.ToString() ?? "unknown";
}
