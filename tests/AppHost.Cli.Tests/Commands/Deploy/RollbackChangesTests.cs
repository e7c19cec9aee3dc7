using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Cli.Commands.Deploy.Rollout;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>What a rollback's dry run says it would change beside the file, from the probe's facts alone.</summary>
public sealed class RollbackChangesTests
{
    private static readonly string A = new('a', 64);
    private static readonly HostLayout Layout = new("shop");

    [Fact]
    public void UnitsThatDifferAreWrittenThoseTheReleaseLackedRemovedAndMissingSecretsPutBack()
    {
        var facts = HostFacts.Parse($"""
            file=1111 /etc/systemd/system/shop.service
            file=2222 /etc/systemd/system/shop.socket
            file=3333 /etc/systemd/system/shop-http.socket
            file=4444 /etc/apphost/shop/cert
            recorded_unit={A} shop.service 9999
            recorded_unit={A} shop.socket 2222
            recorded_secret={A} cert
            recorded_secret={A} secrets/database-url
            """);

        var changes = RollbackChanges.Of(facts, A, Layout);

        Assert.True(changes.UnitsChange);
        Assert.Equal("would write shop.service as it was deployed; would remove shop-http.socket; would put back secrets/database-url (removed by a later deploy)",
            changes.Describe());
    }

    [Fact]
    public void TheSameUnitsAreUnchanged()
    {
        var facts = HostFacts.Parse($"""
            file=1111 /etc/systemd/system/shop.service
            recorded_unit={A} shop.service 1111
            """);

        var changes = RollbackChanges.Of(facts, A, Layout);

        Assert.False(changes.UnitsChange);
        Assert.Equal("units unchanged", changes.Describe());
    }

    [Fact]
    public void AReleaseDeployedBeforeRecordsWereKeptBringsBackItsFileOnly()
    {
        var changes = RollbackChanges.Of(HostFacts.Parse("file=1111 /etc/systemd/system/shop.service\n"), A, Layout);

        Assert.False(changes.Recorded);
        Assert.Contains("only its file would come back, the units stay", changes.Describe());
    }
}
