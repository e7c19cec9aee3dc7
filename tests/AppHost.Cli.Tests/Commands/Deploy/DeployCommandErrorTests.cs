using AppHost.Tests.Shared;

namespace AppHost.Cli.Tests.Commands.Deploy;

/// <summary>Bad input to deploy, rollback and status is one line naming the fix and a documented exit code, before any host is contacted.</summary>
public sealed class DeployCommandErrorTests : IDisposable
{
    // An x64 Linux program every test machine has: a valid file to deploy as far as these checks go.
    private const string Program = "/bin/true";

    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData("--host", "web 1", "--host 'web 1' is not [USER@]HOST[:PORT]")]
    [InlineData("--port", "70000", "70000")]
    [InlineData("--parallel", "0", "--parallel 0 is not from 1 to 64")]
    [InlineData("--env", "NOVALUE", "--env 'NOVALUE' is not NAME=VALUE")]
    [InlineData("--secret", "db", "--secret 'db' is not NAME=FILE")]
    [InlineData("--secret", "db=/no/such/file", "--secret db '/no/such/file' does not exist on this machine")]
    [InlineData("--cert", "/no/such/cert.pem", "--cert '/no/such/cert.pem' does not exist on this machine")]
    [InlineData("--env-file", "/no/such/env", "--env-file '/no/such/env' does not exist on this machine")]
    [InlineData("--acme-ca-file", "/no/such/ca.pem", "--acme-ca-file '/no/such/ca.pem' does not exist on this machine")]
    [InlineData("--ssh-config", "/no/such/config", "--ssh-config '/no/such/config' does not exist")]
    public async Task ABadValueIsOneLineAndExitCode2(string option, string value, string message)
    {
        string[] host = option == "--host" ? [] : ["--host", "web1"];
        var run = await AppHostTool.RunAsync(_directory.Path, ["deploy", "--binary", Program, .. host, option, value]);

        run.AssertOneLineError(2, message);
    }

    [Fact]
    public async Task AnEnvironmentFileLineThatIsNotNameValueIsNamedByNumberNotByText()
    {
        string file = Path.Combine(_directory.Path, "environment");
        await File.WriteAllTextAsync(file, "# the database\nSHOP_DATABASE_URL=postgres://shop:s3cret@db/shop\n\nexport s3cret-token\n");

        var run = await AppHostTool.RunAsync(_directory.Path, "deploy", "--binary", Program, "--host", "web1", "--env-file", file);

        run.AssertOneLineError(2, $"--env-file '{file}' line 4 is not NAME=VALUE");
        Assert.DoesNotContain("s3cret", run.Output + run.Errors);
    }

    [Fact]
    public async Task ACaFileWithoutAPemCertificateIsRefusedBeforeAnyHost()
    {
        string file = Path.Combine(_directory.Path, "ca.pem");
        await File.WriteAllTextAsync(file, "-----BEGIN PRIVATE KEY-----\nnot a root\n-----END PRIVATE KEY-----\n");

        var run = await AppHostTool.RunAsync(_directory.Path, "deploy", "--binary", Program, "--host", "web1", "--acme-domain", "shop.example.com", "--acme-ca-file", file);

        run.AssertOneLineError(2, $"--acme-ca-file '{file}' holds no PEM CERTIFICATE block");
    }

    [Fact]
    public async Task AFileThatIsNotALinuxProgramIsRefused()
    {
        string file = Path.Combine(_directory.Path, "shop");
        await File.WriteAllTextAsync(file, "#!/bin/sh\n");

        (await AppHostTool.RunAsync(_directory.Path, "deploy", "--binary", file, "--host", "web1")).AssertOneLineError(2, "is not a Linux program (no ELF header)");
    }

    [Fact]
    public async Task AppOptionsTheUnitsWriteThemselvesAreRefused()
    {
        (await AppHostTool.RunAsync(_directory.Path, "deploy", "--binary", Program, "--host", "web1", "--", "--port", "9000"))
            .AssertOneLineError(2, "'--port' after -- is written by apphost itself");
    }

    [Fact]
    public async Task WithoutSshTheToolNamesThePackage()
    {
        var run = await CommandRun.RunAsync([CommandRun.DotnetHost(), "exec", AppHostTool.Path, "deploy", "--binary", Program, "--host", "web1"], _directory.Path,
            environment: new Dictionary<string, string> { ["PATH"] = _directory.Path });

        run.AssertOneLineError(3, "ssh is not installed", "apt-get install openssh-client");
    }

    [Fact]
    public async Task RollbackAndStatusNeedTheAppsName()
    {
        (await AppHostTool.RunAsync(_directory.Path, "status", "--host", "web1")).AssertOneLineError(2, "give the app's name on the hosts with --name");
        (await AppHostTool.RunAsync(_directory.Path, "rollback", "--host", "web1", "--name", "shop", "--to", "xyz")).AssertOneLineError(2, "--to 'xyz' is not a release");
    }

    public void Dispose() => _directory.Dispose();
}
