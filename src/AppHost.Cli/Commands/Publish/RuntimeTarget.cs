using System.Runtime.InteropServices;

namespace AppHost.Cli.Commands.Publish;

/// <summary>The operating systems a native file can be made for; musl Linux is its own, as its files do not run on glibc.</summary>
public enum TargetOs
{
    Linux,
    LinuxMusl,
    Windows,
    MacOS,
}

/// <summary>A runtime identifier (RID) such as linux-x64, understood as an operating system and a processor.</summary>
internal sealed record RuntimeTarget(string Rid, TargetOs Os, Architecture Architecture)
{
    private static readonly Dictionary<string, (TargetOs Os, Architecture Architecture)> Known = new()
    {
        ["linux-x64"] = (TargetOs.Linux, Architecture.X64),
        ["linux-arm64"] = (TargetOs.Linux, Architecture.Arm64),
        ["linux-arm"] = (TargetOs.Linux, Architecture.Arm),
        ["linux-musl-x64"] = (TargetOs.LinuxMusl, Architecture.X64),
        ["linux-musl-arm64"] = (TargetOs.LinuxMusl, Architecture.Arm64),
        ["win-x64"] = (TargetOs.Windows, Architecture.X64),
        ["win-arm64"] = (TargetOs.Windows, Architecture.Arm64),
        ["win-x86"] = (TargetOs.Windows, Architecture.X86),
        ["osx-x64"] = (TargetOs.MacOS, Architecture.X64),
        ["osx-arm64"] = (TargetOs.MacOS, Architecture.Arm64),
    };

    /// <exception cref="ArgumentException">Not a RID this tool publishes for; the message lists those it does.</exception>
    public static RuntimeTarget Parse(string rid) => Known.TryGetValue(rid, out var target)
        ? new RuntimeTarget(rid, target.Os, target.Architecture)
        : throw new ArgumentException($"unknown RID '{rid}'; use one of {string.Join(", ", Known.Keys)}");

    /// <summary>The RID of this very machine, as <c>dotnet publish --use-current-runtime</c> picks it.</summary>
    /// <exception cref="ArgumentException">A machine no RID here describes (a 32-bit ARM Mac, say).</exception>
    public static RuntimeTarget Of(HostMachine machine)
    {
        foreach (var (rid, target) in Known)
        {
            if (target == (machine.Os, machine.Architecture))
            {
                return new RuntimeTarget(rid, target.Os, target.Architecture);
            }
        }

        throw new ArgumentException($"this machine ({machine.Os}, {machine.Architecture}) has no RID this tool publishes for; give one with --rid: {string.Join(", ", Known.Keys)}");
    }

    /// <summary>The published file's name for an app: <c>shop</c>, or <c>shop.exe</c> for Windows.</summary>
    public string FileName(string appName) => Os == TargetOs.Windows ? appName + ".exe" : appName;
}
