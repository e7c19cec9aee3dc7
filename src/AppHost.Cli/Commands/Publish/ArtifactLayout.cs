namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Where a publish puts things: the file alone in its folder, so the folder is exactly what to
/// copy to a server; symbols and checksum beside it in folders of their own.
/// </summary>
internal sealed record ArtifactLayout(string PublishDirectory, string SymbolsDirectory, string ChecksumDirectory)
{
    /// <param name="solutionRoot">The app's solution folder; artifacts/ goes there.</param>
    /// <param name="rid">The target's RID, the name of each folder.</param>
    /// <param name="output">The folder for the file given with -o, or null for artifacts/publish/RID.</param>
    public static ArtifactLayout For(string solutionRoot, string rid, string? output)
    {
        string artifacts = Path.Combine(solutionRoot, "artifacts");
        return new ArtifactLayout(
            output is null ? Path.Combine(artifacts, "publish", rid) : Path.GetFullPath(output),
            Path.Combine(artifacts, "symbols", rid),
            Path.Combine(artifacts, "sha256", rid));
    }
}
