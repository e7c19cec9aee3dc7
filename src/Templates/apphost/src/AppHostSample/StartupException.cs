namespace AppHostSample;

/// <summary>
/// An expected reason the server cannot run. Its message is one line for the user: what went
/// wrong, the offending value quoted, and how to fix it. It is printed without a stack trace.
/// </summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
