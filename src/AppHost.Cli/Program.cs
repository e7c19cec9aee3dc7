using AppHost.Cli.CommandLine;

namespace AppHost.Cli;

public static class Program
{
    public static int Main(string[] args) => AppHostCommand.Run(args);
}
