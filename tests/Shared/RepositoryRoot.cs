namespace AppHost.Tests.Shared;

/// <summary>The repository's root folder, found upwards from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AppHost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no AppHost.sln above {AppContext.BaseDirectory}");
    }
}
