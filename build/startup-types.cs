#!/usr/bin/env dotnet
// Writes src/AppHost.Server/buildTransitive/StartupTypes.rd.xml, which every app gets from the package: the generic
// classes dependency injection makes at run time while the template's sample app starts, which a native file would
// build type by type (docs/startup.md). Run after changing the package's services or options, or after a .NET
// update: dotnet run build/startup-types.cs
#:project ../src/Templates/apphost/src/AppHostSample/AppHostSample.csproj
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
#:include shared/LoopbackProbe.cs

using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

try
{
    string scriptFolder = AppContext.GetData("EntryPointFileDirectoryPath") as string
        ?? throw new InvalidOperationException("run it as a file-based app: dotnet run build/startup-types.cs");
    string output = Path.GetFullPath(Path.Combine(scriptFolder, "..", "src", "AppHost.Server", "buildTransitive", "StartupTypes.rd.xml"));

    // The hosting library announces every host it builds; that is how this script reaches the app's container.
    var hosts = new HostCapture();
    using var subscription = DiagnosticListener.AllListeners.Subscribe(hosts);

    int port = LoopbackProbe.FreePort();
    // A background thread, so that an error below ends the script instead of waiting on the server.
    var server = new Thread(() => AppHostSample.Program.Main(["--host", "127.0.0.1", "--port", port.ToString(), "--log-level", "warning"]))
    {
        IsBackground = true,
    };
    server.Start();

    // Every endpoint once, so that what the first requests resolve is listed too: add yours here.
    using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    await WaitUntilServingAsync(client, server, TimeSpan.FromSeconds(30)); // a JIT start takes about 0.5 s
    foreach (string path in new[] { "/", "/healthz", "/api/greeting?name=startup" })
    {
        (await client.GetAsync(path)).EnsureSuccessStatusCode();
    }

    (await client.PostAsync("/api/greeting", new StringContent("""{"name":"startup"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

    IHost host = hosts.Host ?? throw new InvalidOperationException("the app built no host");
    var types = ContainerTypes.Constructed(host.Services);
    host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
    server.Join();

    // Written beside and moved into place, so an interrupted run never leaves half a file.
    string staging = output + ".tmp";
    File.WriteAllText(staging, RdXml.Write(types));
    File.Move(staging, output, overwrite: true);
    Console.WriteLine($"{types.Count} types -> {output}");
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or HttpRequestException or OperationCanceledException or MissingMemberException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static async Task WaitUntilServingAsync(HttpClient client, Thread server, TimeSpan limit)
{
    var clock = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            (await client.GetAsync("/healthz")).EnsureSuccessStatusCode();
            return;
        }
        catch (HttpRequestException) when (!server.IsAlive)
        {
            throw new InvalidOperationException("the app stopped before serving; its own error line is above");
        }
        catch (HttpRequestException) when (clock.Elapsed < limit)
        {
            await Task.Delay(50); // 50 ms between attempts: a start is about ten of them
        }
    }
}

/// <summary>Keeps the host that Microsoft.Extensions.Hosting reports as built.</summary>
internal sealed class HostCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    public IHost? Host { get; private set; }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.Extensions.Hosting")
        {
            listener.Subscribe(this);
        }
    }

    public void OnNext(KeyValuePair<string, object?> hostingEvent)
    {
        if (hostingEvent.Key == "HostBuilt")
        {
            Host = (IHost)hostingEvent.Value!;
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}

/// <summary>
/// Reads the container's cache of resolved services. The container has no public way to list them,
/// so this reads its private fields; a .NET update that renames them fails here with the name.
/// </summary>
internal static class ContainerTypes
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static IReadOnlyCollection<Type> Constructed(IServiceProvider services)
    {
        object factory = Read(services, "CallSiteFactory");
        var cache = (IDictionary)Read(factory, "_callSiteCache");
        var types = new HashSet<Type>();
        foreach (DictionaryEntry entry in cache)
        {
            Collect(entry.Value, types);
        }

        return types;
    }

    // A constructor call site names the class the container creates; it and a list name the call
    // sites of what they pass in. Instances and factories were made by compiled code, not here.
    private static void Collect(object? callSite, HashSet<Type> types)
    {
        if (callSite is null)
        {
            return;
        }

        if (callSite.GetType().Name == "ConstructorCallSite"
            && TryRead(callSite, "ImplementationType") is Type { IsGenericType: true, ContainsGenericParameters: false } made)
        {
            types.Add(made);
        }

        foreach (string children in new[] { "ParameterCallSites", "ServiceCallSites" })
        {
            if (TryRead(callSite, children) is IEnumerable sites)
            {
                foreach (object? site in sites)
                {
                    Collect(site, types);
                }
            }
        }
    }

    private static object Read(object owner, string name) =>
        TryRead(owner, name) ?? throw new MissingMemberException(owner.GetType().FullName, name);

    private static object? TryRead(object owner, string name)
    {
        var type = owner.GetType();
        return type.GetProperty(name, Members)?.GetValue(owner) ?? type.GetField(name, Members)?.GetValue(owner);
    }
}

/// <summary>The ILCompiler's runtime directives format: one Type element per generic instantiation.</summary>
internal static class RdXml
{
    public static string Write(IReadOnlyCollection<Type> types)
    {
        var text = new StringBuilder();
        text.AppendLine("<!-- Generated by build/startup-types.cs; run it again rather than editing this list.");
        text.AppendLine("     The generic classes the dependency-injection container makes while the server starts and serves");
        text.AppendLine("     its first requests. A native file builds such a class type by type at run time, a large part of");
        text.AppendLine("     its start-up (docs/startup.md); named here, they are compiled in. A type missing here still");
        text.AppendLine("     works, it is only built at run time. If a .NET update renames one, publish fails with");
        text.AppendLine("     \"Failed to load type\": run the script again. -->");
        text.AppendLine("<Directives xmlns=\"http://schemas.microsoft.com/netfx/2013/01/metadata\">");
        text.AppendLine("  <Application>");
        foreach (var assembly in types.GroupBy(t => t.Assembly.GetName().Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"    <Assembly Name=\"{assembly.Key}\">");
            foreach (string name in assembly.Select(t => Escape(Name(t, qualified: false))).Order(StringComparer.Ordinal))
            {
                text.AppendLine($"      <Type Name=\"{name}\" Dynamic=\"Required All\" />");
            }

            text.AppendLine("    </Assembly>");
        }

        text.AppendLine("  </Application>");
        text.AppendLine("</Directives>");
        return text.ToString();
    }

    // Generic arguments are written [[Namespace.Type,Assembly]], nested the same way.
    private static string Name(Type type, bool qualified)
    {
        string name = type.IsGenericType
            ? $"{type.GetGenericTypeDefinition().FullName}[{string.Join(",", type.GetGenericArguments().Select(a => $"[{Name(a, qualified: true)}]"))}]"
            : type.FullName!;
        return qualified ? $"{name},{type.Assembly.GetName().Name}" : name;
    }

    private static string Escape(string name) => name.Replace("&", "&amp;").Replace("<", "&lt;").Replace("\"", "&quot;");
}
