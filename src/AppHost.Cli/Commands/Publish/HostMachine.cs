using System.Runtime.InteropServices;

namespace AppHost.Cli.Commands.Publish;

/// <summary>What this machine is and which build tools it has: the facts the choice of publish mode rests on.</summary>
/// <param name="Os">This machine's operating system.</param>
/// <param name="Architecture">This machine's processor.</param>
/// <param name="HasTool">Whether a program of that name is on PATH.</param>
/// <param name="HasDirectory">Whether a folder exists (cross toolchains are recognised by their files).</param>
internal sealed record HostMachine(TargetOs Os, Architecture Architecture, Func<string, bool> HasTool, Func<string, bool> HasDirectory)
{
    public static HostMachine Current() => new(CurrentOs(), RuntimeInformation.OSArchitecture, IsOnPath, Directory.Exists);

    /// <summary>True when a file of this RID runs here, so it can be smoke-tested.</summary>
    public bool CanRun(RuntimeTarget target) => target.Os == Os && target.Architecture == Architecture;

    private static TargetOs CurrentOs() =>
        OperatingSystem.IsWindows() ? TargetOs.Windows
        : OperatingSystem.IsMacOS() ? TargetOs.MacOS
        // musl's dynamic loader is the surest sign of a musl system such as Alpine.
        : Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*.so.1").Any() ? TargetOs.LinuxMusl
        : TargetOs.Linux;

    private static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)) || File.Exists(Path.Combine(dir, program + ".exe")));
}
