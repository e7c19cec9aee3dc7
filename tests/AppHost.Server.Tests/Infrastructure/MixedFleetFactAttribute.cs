namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test against the x64 and arm64 hosts (<see cref="MixedFleet"/>): skipped, with the reason, only on a machine that cannot boot them.</summary>
public sealed class MixedFleetFactAttribute : FactAttribute
{
    public MixedFleetFactAttribute()
    {
        Skip = MixedFleet.WhyNot();
    }
}
