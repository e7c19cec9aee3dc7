namespace AppHost.Server.Tests.Infrastructure;

/// <summary>The tests that share one NativeAOT publish of the sample app (about a minute), run one class after another.</summary>
[CollectionDefinition(Name)]
public sealed class NativeAppCollection : ICollectionFixture<NativeAppFixture>
{
    public const string Name = "native app";
}
