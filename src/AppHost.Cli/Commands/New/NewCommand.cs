using System.CommandLine;
using System.Globalization;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.New;

/// <summary><c>apphost new NAME [-o DIR] [--port N]</c>: creates an app solution from the template inside this tool.</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The app's name: its namespace, projects and (in lower case) its native file, for example Shop." };
        var output = CommonOptions.Output("Folder to create the solution in. Default: ./name (the name in lower case).");
        var port = new Option<int>("--port", "-p")
        {
            Description = "The port written into the code as the server's default.",
            DefaultValueFactory = _ => 8080,
            HelpName = "port",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError($"--port '{result.GetValueOrDefault<int>()}' is not valid: expected a port number from 1 to 65535");
            }
        });

        var command = new Command("new", "Create a new app solution: src/NAME, tests/NAME.Tests, build/, publish.sh, publish.ps1, README.md.") { name, output, port };
        command.SetAction(parsed =>
        {
            var appName = ParseName(parsed.GetValue(name)!);
            string directory = Path.GetFullPath(parsed.GetValue(output) ?? appName.Value.ToLowerInvariant());
            var files = TemplateRenderer.Render(EmbeddedTemplate.Load(), appName, parsed.GetValue(port));
            SolutionWriter.Write(files, directory);

            using var log = CliLog.Create();
            log.Information("Created {Name} in {Directory}", appName.Value, directory);
            string relative = Path.GetRelativePath(Environment.CurrentDirectory, directory);
            log.Information("Next: cd {Directory} && dotnet test && apphost publish --rid {Rid}",
                relative.StartsWith("..", StringComparison.Ordinal) ? directory : relative, System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier);
            Console.Out.WriteLine(directory);
            return ExitCodes.Success;
        });
        return command;
    }

    private static AppName ParseName(string text)
    {
        try
        {
            return AppName.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }
    }
}
