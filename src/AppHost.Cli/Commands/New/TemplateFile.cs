namespace AppHost.Cli.Commands.New;

/// <summary>One file of the template: its path relative to the solution root ('/' separated), and its bytes.</summary>
internal sealed record TemplateFile(string Path, byte[] Content);
