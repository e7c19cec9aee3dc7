namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test that must run as root (to start a process as another user): skipped, with the reason, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        Skip = Environment.IsPrivilegedProcess ? null : "needs root, to run the server as a user of its own";
    }
}
