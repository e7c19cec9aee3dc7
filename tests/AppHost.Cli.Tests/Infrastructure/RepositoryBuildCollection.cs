namespace AppHost.Cli.Tests.Infrastructure;

/// <summary>
/// Tests that build this repository's own projects (pack, publish) share its obj/ and bin/
/// folders, so they run one after another, never beside each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RepositoryBuildCollection
{
    public const string Name = "Builds the repository";
}
