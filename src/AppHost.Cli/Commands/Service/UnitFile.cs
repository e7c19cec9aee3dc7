namespace AppHost.Cli.Commands.Service;

/// <summary>A systemd unit file to write: its file name (for example <c>shop.service</c>) and its text.</summary>
internal sealed record UnitFile(string FileName, string Content);
