namespace AppHost;

/// <summary>
/// An expected reason the server cannot run. Its message is one line for the user: what went
/// wrong, the offending value quoted, and how to fix it. <see cref="ServerCommand"/> prints it
/// after "error: " without a stack trace and exits with <see cref="ExitCodes.Failure"/>; an app
/// throws it for problems of its own in the same way.
/// </summary>
/// <param name="message">The one line: what is wrong and how to fix it.</param>
/// <param name="inner">The exception that revealed the problem, if any.</param>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
