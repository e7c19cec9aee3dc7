namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test that runs a file in the Debian 11 root: skipped, with the reason, only on a machine that cannot.</summary>
public sealed class OldGlibcFactAttribute : FactAttribute
{
    public OldGlibcFactAttribute()
    {
        Skip = OldGlibcRoot.WhyNot();
    }
}
