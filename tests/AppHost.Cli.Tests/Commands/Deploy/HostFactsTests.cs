using AppHost.Cli.Commands.Deploy.Remote;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>The probe's lines become the facts the preflight, dry run, rollback and status read.</summary>
public sealed class HostFactsTests
{
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);
    private static readonly string C = new('c', 64);

    [Fact]
    public void TheProbesLinesAreRead()
    {
        var facts = HostFacts.Parse($"""
            uid=1000
            sudo=yes
            machine=aarch64
            glibc=2.31
            systemd=yes
            libssl=libssl.so.1.1
            libssl=libssl.so.1.1
            free_kb=2048
            current={B}
            release={A}
            release={B}
            file=0123 /etc/systemd/system/shop.service
            socket_port=8443
            socket_name=https
            exec=/opt/apphost/shop/current/shop --log-format json --host-name shop.example.com
            history=2026-12-01T10:00:00Z	deploy	{A}	1.0.0	me@laptop
            history=2026-12-02T10:00:00Z	deploy	{B}	1.1.0	me@laptop
            state=active
            cert_expiry=Mar  1 12:00:00 2027 GMT
            """);

        Assert.Equal((false, true, "aarch64", new Version(2, 31), true), (facts.IsRoot, facts.HasSudo, facts.Machine, facts.Glibc, facts.HasSystemd));
        Assert.Equal(["libssl.so.1.1"], facts.OpenSsl);
        Assert.Equal(2048 * 1024, facts.FreeBytes);
        Assert.Equal((B, A), (facts.Current, facts.Previous));
        Assert.Equal("0123", facts.Files["/etc/systemd/system/shop.service"]);
        Assert.Equal((8443, true), (facts.Port, facts.Https));
        Assert.Equal("1.0.0", facts.VersionOf(A));
        Assert.Equal(("active", "Mar  1 12:00:00 2027 GMT"), (facts.ServiceState, facts.CertificateExpiry));
    }

    [Fact]
    public void EachReleasesRecordedUnitsAndSecretsAreRead()
    {
        var facts = HostFacts.Parse($"""
            recorded_unit={A} shop.service 0123
            recorded_unit={A} shop.socket 4567
            recorded_unit={B} shop.service 89ab
            recorded_secret={A} cert
            recorded_secret={A} secrets/database url
            """);

        Assert.Equal(new Dictionary<string, string> { ["shop.service"] = "0123", ["shop.socket"] = "4567" }, facts.RecordedUnits[A]);
        Assert.Equal(new Dictionary<string, string> { ["shop.service"] = "89ab" }, facts.RecordedUnits[B]);
        Assert.Equal(["cert", "secrets/database url"], facts.RecordedSecrets[A]);
        Assert.False(facts.RecordedSecrets.ContainsKey(B));
    }

    [Fact]
    public void ThePreviousReleaseIsTheNewestOtherOneStillKept()
    {
        var facts = HostFacts.Parse($"""
            current={C}
            release={B}
            release={C}
            history=t1	deploy	{A}	1	me
            history=t2	deploy	{B}	2	me
            history=t3	deploy	{C}	3	me
            history=t4	rollback	{B}	2	me
            history=t5	deploy	{C}	3	me
            """);

        Assert.Equal(B, facts.Previous);
    }

    [Fact]
    public void AHostNeverDeployedToHasNoReleases()
    {
        var facts = HostFacts.Parse("uid=0\nsystemd=yes\n");

        Assert.Equal((true, null, null), (facts.IsRoot, facts.Current, facts.Previous));
    }
}
