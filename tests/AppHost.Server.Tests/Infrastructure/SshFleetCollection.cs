namespace AppHost.Server.Tests.Infrastructure;

/// <summary>The tests that share one <see cref="SshFleet"/> (three containers booted once), run one class after another.</summary>
[CollectionDefinition(Name)]
public sealed class SshFleetCollection : ICollectionFixture<SshFleet>
{
    public const string Name = "ssh fleet";
}
