using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Lets this x64 machine's kernel run arm64 programs, in containers too: qemu-user-static's
/// qemu-aarch64 registered with binfmt_misc, with the F flag (the kernel opens the emulator once, at
/// registration, so a container whose root has no emulator still runs through it). A Debian machine
/// booted with systemd has it registered by systemd-binfmt when qemu-user-static is installed; a
/// machine without (CI's, whose init is not systemd) gets the same registration from here, which it
/// keeps, as it would have kept systemd-binfmt's. A registration that is there already is left as it is.
/// </summary>
public static class QemuUser
{
    // qemu-user-static's own registration, as systemd-binfmt reads it at boot: name, ELF magic and
    // mask of an aarch64 program, the emulator, and the flags (F among them).
    private const string Registration = "/usr/lib/binfmt.d/qemu-aarch64.conf";
    private const string BinfmtMisc = "/proc/sys/fs/binfmt_misc";
    private const string Entry = $"{BinfmtMisc}/qemu-aarch64";

    private static readonly Lazy<Task> Registering = new(RegisterAsync);

    /// <summary>Why this machine cannot run arm64 programs under qemu-user, or null when it can.</summary>
    public static string? WhyNot() =>
        !OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64 ? "arm64 programs run under qemu-user on linux-x64 machines only"
        : Environment.UserName != "root" ? "registering qemu-aarch64 with binfmt_misc needs root; run the tests as root (CI does)"
        : !File.Exists(Registration) ? "qemu-user-static is not installed; install it with: sudo apt-get install qemu-user-static"
        : !File.ReadAllText("/proc/filesystems").Contains("binfmt_misc", StringComparison.Ordinal) ? "this kernel has no binfmt_misc, which runs arm64 programs through qemu-user"
        : null;

    /// <summary>Registers qemu-aarch64 with binfmt_misc unless it is registered already, once per test process.</summary>
    /// <exception cref="InvalidOperationException">It is registered, but disabled or without the F flag, which containers need.</exception>
    public static Task EnsureRegisteredAsync() => Registering.Value;

    private static async Task RegisterAsync()
    {
        if (!File.Exists($"{BinfmtMisc}/register"))
        {
            // Mounting it again where it is mounted would fail; so would two test processes at once, which the check below settles.
            await CommandRun.RunAsync(["mount", "-t", "binfmt_misc", "binfmt_misc", BinfmtMisc]);
        }

        if (!File.Exists(Entry))
        {
            try
            {
                await File.WriteAllTextAsync($"{BinfmtMisc}/register", (await File.ReadAllTextAsync(Registration)).Trim());
            }
            catch (IOException) when (File.Exists(Entry))
            {
                // Another test process registered it first (EEXIST): the same line, checked below.
            }
        }

        string[] entry = await File.ReadAllLinesAsync(Entry);
        if (!entry.Contains("enabled") || !entry.Any(line => line.StartsWith("flags:", StringComparison.Ordinal) && line.Contains('F', StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{Entry} is registered, but not enabled with the F flag that containers need:\n{string.Join('\n', entry)}\n"
                + $"register it as {Registration} says: echo -1 > {Entry}; cat {Registration} > {BinfmtMisc}/register");
        }
    }
}
