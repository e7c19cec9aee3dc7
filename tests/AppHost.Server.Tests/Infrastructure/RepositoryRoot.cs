namespace AppHost.Server.Tests.Infrastructure;

/// <summary>This repository's root folder, found upwards from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "src", "Templates", "apphost", "publish.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no src/Templates/apphost/publish.sh above {AppContext.BaseDirectory}");
    }
}
