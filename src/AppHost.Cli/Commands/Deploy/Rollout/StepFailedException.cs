namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>A step on a host failed; the message says which and why, in words for the user.</summary>
internal sealed class StepFailedException(string message) : Exception(message);
