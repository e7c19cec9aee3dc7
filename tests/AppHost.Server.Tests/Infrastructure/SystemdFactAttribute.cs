namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test that needs a container with a real systemd: skipped, with the reason, only on a machine that cannot boot one.</summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public SystemdFactAttribute()
    {
        Skip = SystemdContainer.WhyNot();
    }
}
