using AppHost.Cli.Commands.Deploy.Remote;
using AppHost.Tests.Shared;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>
/// Every script deploy runs on a host is valid POSIX shell (dash, Debian's sh, is the strictest
/// common one; the tests run on Linux), whatever the values in it. What they do is tested on real hosts in the server tests' Deploy folder.
/// </summary>
public sealed class HostScriptsTests
{
    private static readonly HostScripts Scripts = new(new HostLayout("shop"));

    private static readonly string Sha = new('a', 64);

    public static TheoryData<string, string> AllScripts() => new()
    {
        { "probe", Scripts.Probe() },
        { "upload", Scripts.Upload(Sha) },
        { "check", Scripts.Check(Sha, ["--greeting", "it's \"ok\" $(reboot)"], [new("SHOP_A", "b c")]) },
        { "install", Scripts.Install([new("shop.service", "[Service]\nExecStart=/x\n"), new("shop.socket", "[Socket]\n")], [new("cert", [1, 2, 3]), new("secrets/db", [4])], ["shop.socket"]) },
        { "switch", Scripts.Switch(Sha, "deploy", "1.0.0+'x'", "me@laptop") },
        { "restart", Scripts.Restart() },
        { "restore to a release", Scripts.Restore(Sha, new string('b', 64), "me@laptop") },
        { "restore to nothing", Scripts.Restore(null, Sha, "me@laptop") },
        { "restore after a rollback", Scripts.Restore(Sha, new string('b', 64), "me@laptop", removeFailed: false) },
        { "record", Scripts.Records.Record(Sha) },
        { "reinstall", Scripts.Records.Reinstall(Sha) },
        { "probe lines of the records", Scripts.Records.ProbeLines() },
        { "lock", Scripts.HoldLock("me@laptop since now") },
        { "journal", Scripts.Journal(15) },
        { "prune", Scripts.Prune(5) },
    };

    [Theory]
    [MemberData(nameof(AllScripts))]
    public async Task TheScriptIsValidShell(string name, string script)
    {
        var run = await CommandRun.RunAsync(["sh", "-n"], input: new MemoryStream(System.Text.Encoding.UTF8.GetBytes(script)));
        Assert.True(run.ExitCode == 0, $"{name}: {string.Join('\n', run.StandardError)}");
    }

    [Fact]
    public void AValueIsOneQuotedWordEvenWithQuotesAndCommandsInIt()
    {
        string script = Scripts.Check(Sha, ["it's $(reboot)"], []);

        Assert.Contains("--check 'it'\\''s $(reboot)'", script);
    }
}
