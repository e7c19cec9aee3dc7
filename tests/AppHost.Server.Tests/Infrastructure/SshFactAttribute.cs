namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test against the SSH hosts (<see cref="SshFleet"/>): skipped, with the reason, only on a machine that cannot boot them.</summary>
public sealed class SshFactAttribute : FactAttribute
{
    public SshFactAttribute()
    {
        Skip = SshFleet.WhyNot();
    }
}
