using AppHost.Running;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Running;

/// <summary>
/// The server turns on inline socket completions before its first socket, with one thread for socket
/// events (named ".NET Sockets") for every two cores. The runtime alone would give them one such
/// thread per core, and without them one for every 30 cores; so the count of those threads shows
/// which way the runtime went.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public async Task ServerTurnsThemOnByDefaultWithAnEventThreadForEveryTwoCores()
    {
        await using var app = await SampleApp.StartAsync([], environment: null);

        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), SocketEventThreads(app.Process.Id));
    }

    [Fact]
    public async Task OperatorsThreadCountIsKept()
    {
        var environment = new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT"] = "3" };
        await using var app = await SampleApp.StartAsync([], environment);

        Assert.Equal(3, SocketEventThreads(app.Process.Id));
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(2, "1")]
    [InlineData(3, "1")]
    [InlineData(16, "8")]
    public void UnsetTheyAreOnWithAnEventThreadForEveryTwoCores(int cores, string threads) =>
        Assert.Equal([("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1"), ("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", threads)],
            InlineSocketCompletions.Settings(_ => null, cores));

    [Fact]
    public void TheOperatorsVariablesAreKept()
    {
        Assert.Empty(InlineSocketCompletions.Settings(name => name == "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS" ? "0" : null, 2));
        Assert.Equal([("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1")],
            InlineSocketCompletions.Settings(name => name == "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT" ? "3" : null, 2));
    }

    private static int SocketEventThreads(int processId) =>
        Directory.GetDirectories($"/proc/{processId}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
}
