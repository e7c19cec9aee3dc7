namespace AppHost.Cli.Commands.Deploy.Ssh;

/// <summary>How every ssh connection of a run is made.</summary>
/// <param name="ConfigFile">--ssh-config, passed to ssh as -F; null for ssh's own (~/.ssh/config).</param>
/// <param name="AcceptNewHostKey">
/// --accept-new-host-key: a host seen for the first time has its key recorded (StrictHostKeyChecking=accept-new);
/// a changed key is still refused. Host keys are never left unchecked.
/// </param>
internal sealed record SshSettings(string? ConfigFile, bool AcceptNewHostKey);
