using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Running;

/// <summary>
/// The server turns on inline socket completions before its first socket. The runtime then gives
/// each core a thread of its own for socket events, named ".NET Sockets", where without them it
/// keeps one for every 30 cores; so the count of those threads shows which way the runtime went.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public async Task ServerTurnsThemOnByDefault()
    {
        await using var app = await SampleApp.StartAsync([], environment: null);

        Assert.Equal(Environment.ProcessorCount, SocketEventThreads(app.Process.Id));
    }

    [Fact]
    public async Task OperatorsZeroKeepsThemOff()
    {
        var environment = new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0" };
        await using var app = await SampleApp.StartAsync([], environment);

        // One thread for up to 44 cores (30 per thread, rounded), which covers every machine this runs on.
        Assert.Equal(1, SocketEventThreads(app.Process.Id));
    }

    private static int SocketEventThreads(int processId) =>
        Directory.GetDirectories($"/proc/{processId}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
}
