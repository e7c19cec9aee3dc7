namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test that runs in a fresh Debian container: skipped, with the reason, only on a machine that cannot start one.</summary>
public sealed class FreshDebianFactAttribute : FactAttribute
{
    public FreshDebianFactAttribute()
    {
        Skip = FreshDebian.WhyNot();
    }
}
