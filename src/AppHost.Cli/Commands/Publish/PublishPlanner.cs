using System.Runtime.InteropServices;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Chooses NativeAOT when this machine can build it for the target, and a trimmed self-contained
/// single file when it cannot, saying why and what to install for a native file.
/// </summary>
internal static class PublishPlanner
{
    private static readonly string[] NativeProperties = ["PublishAot=true"];

    // IncludeNativeLibrariesForSelfExtract: the runtime's own native libraries go inside the file too, so it stays ONE file.
    private static readonly string[] SingleFileProperties =
        ["PublishAot=false", "PublishSingleFile=true", "SelfContained=true", "PublishTrimmed=true", "IncludeNativeLibrariesForSelfExtract=true"];

    public static PublishPlan Decide(RuntimeTarget target, HostMachine host)
    {
        if (target.Os != host.Os)
        {
            return SingleFile($"NativeAOT builds only for this machine's system ({Describe(host.Os)}), so {target.Rid} gets a trimmed self-contained single file");
        }

        if (target.Os == TargetOs.Linux && IsPortable(target.Architecture) && IsPortable(host.Architecture))
        {
            return PortableLinux(target, host);
        }

        if (target.Architecture == host.Architecture)
        {
            bool linux = host.Os is TargetOs.Linux or TargetOs.LinuxMusl;
            return new PublishPlan(PublishMode.Native, null, NativeProperties, linux ? MissingLinuxLinker(host) : null);
        }

        // Xcode's clang and Visual Studio's C++ tools target both x64 and arm64 as they come.
        return host.Os is TargetOs.MacOS or TargetOs.Windows
            ? new PublishPlan(PublishMode.Native, $"cross-compiling NativeAOT for {target.Rid}", NativeProperties)
            : LinuxCrossCompile(target, host);
    }

    // The processors AppHost.Server's build links against Debian 11's glibc for (AppHost.Server.Glibc.targets).
    private static bool IsPortable(Architecture architecture) => architecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>
    /// linux-x64 and linux-arm64 link with clang and lld against an old glibc, so the file runs on
    /// servers older than this machine; clang's target triple makes the other processor's file the same way.
    /// </summary>
    private static PublishPlan PortableLinux(RuntimeTarget target, HostMachine host)
    {
        bool cross = target.Architecture != host.Architecture;
        // The same programs, and the same one line, as the package's own check (buildTransitive/missing-link-tools.sh).
        var missing = new[] { "clang", "ld.lld" }.Where(tool => !host.HasTool(tool)).ToList();
        // objcopy splits the debug symbols out; GNU objcopy reads only this machine's processor.
        if (!host.HasTool("llvm-objcopy") && (cross || !host.HasTool("objcopy")))
        {
            missing.Add("llvm-objcopy");
        }

        // The old glibc's Debian packages hold their files in data.tar.xz, which tar unpacks by running xz.
        if (!host.HasTool("xz"))
        {
            missing.Add("xz");
        }

        var tools = missing.Count == 0 ? null
            : new MissingTool($"{string.Join(", ", missing)} (to link the file against an old glibc, so it runs on older servers too)",
                "sudo apt-get install clang lld llvm xz-utils (Fedora: sudo dnf install clang lld llvm xz)");
        return new PublishPlan(PublishMode.Native, cross ? $"cross-compiling NativeAOT for {target.Rid} with clang" : null, NativeProperties, tools);
    }

    private static PublishPlan LinuxCrossCompile(RuntimeTarget target, HostMachine host)
    {
        // The GNU triple of the target, and the Debian package suffix of its cross binutils and gcc.
        (string Triple, string Package)? cross = target.Architecture switch
        {
            Architecture.Arm64 => ("aarch64-linux-gnu", "aarch64-linux-gnu"),
            Architecture.X64 => ("x86_64-linux-gnu", "x86-64-linux-gnu"),
            Architecture.Arm => ("arm-linux-gnueabihf", "arm-linux-gnueabihf"),
            _ => null,
        };
        if (cross is not { } c || target.Os == TargetOs.LinuxMusl)
        {
            return SingleFile($"no NativeAOT cross toolchain is known for {target.Rid}, so it gets a trimmed self-contained single file");
        }

        // NativeAOT cross-links with clang --target=TRIPLE, which needs the target's linker
        // (binutils) and C runtime files (gcc's cross package), and llvm-objcopy for the symbols.
        bool ready = host.HasTool("clang") && host.HasTool("llvm-objcopy")
            && host.HasTool($"{c.Triple}-ld") && host.HasDirectory($"/usr/lib/gcc-cross/{c.Triple}");
        return ready
            ? new PublishPlan(PublishMode.Native, $"cross-compiling NativeAOT for {target.Rid} with clang", NativeProperties)
            : SingleFile($"no {c.Triple} cross toolchain here, so {target.Rid} gets a trimmed self-contained single file; for a native file: sudo apt-get install clang llvm binutils-{c.Package} gcc-{c.Package}");
    }

    private static MissingTool? MissingLinuxLinker(HostMachine host)
    {
        // NativeAOT links with clang when present, else gcc; each pairs with its own objcopy,
        // which splits the debug symbols out of the file.
        if (host.HasTool("clang"))
        {
            return host.HasTool("llvm-objcopy") ? null : new MissingTool("llvm-objcopy (to keep debug symbols apart)", "sudo apt-get install llvm");
        }

        if (host.HasTool("gcc"))
        {
            return host.HasTool("objcopy") ? null : new MissingTool("objcopy (to keep debug symbols apart)", "sudo apt-get install binutils");
        }

        return new MissingTool("a C linker, clang or gcc", "sudo apt-get install clang llvm (Fedora: sudo dnf install clang llvm; Alpine: apk add clang llvm build-base)");
    }

    private static PublishPlan SingleFile(string note) => new(PublishMode.SingleFile, note, SingleFileProperties);

    private static string Describe(TargetOs os) => os switch
    {
        TargetOs.Linux => "Linux with glibc",
        TargetOs.LinuxMusl => "Linux with musl",
        TargetOs.Windows => "Windows",
        _ => "macOS",
    };
}
