using System.CommandLine;
using AppHost.Cli.Commands.Cert;
using AppHost.Cli.Commands.Deploy;
using AppHost.Cli.Commands.Image;
using AppHost.Cli.Commands.Kube;
using AppHost.Cli.Commands.New;
using AppHost.Cli.Commands.Publish;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.CommandLine;

/// <summary>The <c>apphost</c> command: its verbs, and the one-line errors and exit codes of every failure.</summary>
internal static class AppHostCommand
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("apphost: create a .NET web app that is one program, publish it as one native file, and run it.")
        {
            NewCommand.Create(),
            PublishCommand.Create(),
            ImageCommand.Create(),
            CertCommand.Create(),
            ServiceCommand.Create(),
            KubeCommand.Create(),
            DeployCommand.Create(),
            RollbackCommand.Create(),
            StatusCommand.Create(),
        };

        ParseResult parsed;
        try
        {
            parsed = root.Parse(DeployFile.AddSettings(args));
        }
        catch (CliException e)
        {
            return Fail(e.ExitCode, e.Message, e.Details);
        }

        if (parsed.UnmatchedTokens.Count > 0)
        {
            // The word the user typed is the most useful thing to name, before "a verb is missing".
            return Fail(ExitCodes.Usage, $"unknown verb or option '{parsed.UnmatchedTokens[0]}' (see apphost --help)", []);
        }

        if (parsed.Errors.Count > 0)
        {
            return Fail(ExitCodes.Usage, $"{parsed.Errors[0].Message} (see apphost --help)", []);
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            return Fail(e.ExitCode, e.Message, e.Details);
        }
        catch (OperationCanceledException)
        {
            return Fail(ExitCodes.Failure, "cancelled", []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.Failure, e.Message, []);
        }
    }

    private static int Fail(int exitCode, string message, IReadOnlyList<string> details)
    {
        Console.Error.WriteLine($"error: {message}");
        foreach (string line in details)
        {
            Console.Error.WriteLine($"  {line}");
        }

        return exitCode;
    }
}
