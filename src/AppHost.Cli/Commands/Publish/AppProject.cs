namespace AppHost.Cli.Commands.Publish;

/// <summary>The app project to publish.</summary>
/// <param name="ProjectPath">The .csproj.</param>
/// <param name="AssemblyName">The name of the published file, without .exe.</param>
/// <param name="SolutionRoot">The folder of its solution (where artifacts/ goes): the nearest folder above it with a .sln or .slnx.</param>
/// <param name="Version">Its Version property, for the image's version label and tag.</param>
/// <param name="RepositoryUrl">Its RepositoryUrl property, for the image's source label, or null when it sets none.</param>
internal sealed record AppProject(string ProjectPath, string AssemblyName, string SolutionRoot, string? Version = null, string? RepositoryUrl = null);
