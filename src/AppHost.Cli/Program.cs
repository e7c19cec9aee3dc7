using AppHost.Cli.Cli;

namespace AppHost.Cli;

public static class Program
{
    public static int Main(string[] args) => AppHostCommand.Run(args);
}
