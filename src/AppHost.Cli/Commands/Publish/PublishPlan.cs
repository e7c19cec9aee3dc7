namespace AppHost.Cli.Commands.Publish;

/// <summary>How the file is made.</summary>
public enum PublishMode
{
    /// <summary>NativeAOT: machine code, no runtime inside, fastest start, smallest file.</summary>
    Native,

    /// <summary>A trimmed, self-contained single file: the runtime and the app's IL in one file, for targets NativeAOT cannot reach from here.</summary>
    SingleFile,
}

/// <summary>A tool the native build needs that this machine lacks, and the command that installs it.</summary>
internal sealed record MissingTool(string What, string Install);

/// <summary>The decision for one target on one machine.</summary>
/// <param name="Mode">Native or single file.</param>
/// <param name="Note">One line for the user when the mode is not the obvious one, else null.</param>
/// <param name="Properties">MSBuild properties that make <c>dotnet publish</c> produce that mode.</param>
/// <param name="Missing">What must be installed before a native build can start, else null.</param>
internal sealed record PublishPlan(PublishMode Mode, string? Note, IReadOnlyList<string> Properties, MissingTool? Missing = null);
