using System.Security;

namespace AppHost.Cli.Tests.Template;

/// <summary>
/// A nuget.config for the solutions the tests generate below a folder, as the README's one step
/// (adding artifacts/packages as a source) does for a user. The AppHost packages come only from the
/// folder they were just packed into, and land in a package cache of the tests' own: NuGet never
/// looks again at a version it has cached, and every run packs the same version anew. Everything
/// else comes from this machine's package cache, or from the sources the user's NuGet settings name.
/// </summary>
public static class LocalPackageSource
{
    public static void Write(string folder, string packages)
    {
        string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // NuGet refuses a local source that does not exist; an empty one just finds nothing.
        Directory.CreateDirectory(machineCache);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Escape(Path.Combine(folder, "package-cache"))}" />
              </config>
              <packageSources>
                <add key="apphost-packed" value="{Escape(packages)}" />
                <add key="machine-cache" value="{Escape(machineCache)}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="apphost-packed">
                  <package pattern="AppHost.*" />
                </packageSource>
                <packageSource key="machine-cache">
                  <package pattern="*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    private static string Escape(string path) => SecurityElement.Escape(path);
}
