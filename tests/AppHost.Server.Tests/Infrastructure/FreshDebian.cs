using System.Diagnostics;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A new user's machine: Debian 12 (minbase) holding only ICU and CA certificates, with this
/// machine's .NET SDK bind-mounted in, run with <c>systemd-nspawn</c>. Two roots are made once
/// and cached (<see cref="DebianRoot"/>): the bare one, and one with the README's apt line applied.
/// Each run gets a writable copy of this repository's files at <c>/repo</c>; the root itself stays
/// clean behind a throw-away overlay (<c>--volatile=overlay</c>).
/// </summary>
public sealed class FreshDebian : IAsyncLifetime
{
    /// <summary>The packages of the README's apt line, the tools of the native link.</summary>
    public const string AptLine = "clang lld llvm xz-utils";

    // ICU: .NET needs it (a real machine has it); ca-certificates: the SDK reaches nuget.org over TLS.
    private const string Packages = "libicu72,ca-certificates";

    /// <summary>The bare root: the SDK can run, nothing more is installed.</summary>
    public string BareRoot { get; private set; } = "";

    /// <summary>The same root after the README's apt line (debootstrap includes its packages, so no run needs the mirror).</summary>
    public string LinkToolsRoot { get; private set; } = "";

    /// <summary>This machine's .NET (/usr/share/dotnet, /usr/lib/dotnet, ...), bind-mounted at the same path.</summary>
    public string DotnetRoot { get; private set; } = "";

    /// <summary>Why this machine cannot run the containers, or null when it can (the same needs as the systemd tests').</summary>
    public static string? WhyNot() => SystemdContainer.WhyNot();

    public async Task InitializeAsync()
    {
        if (WhyNot() is not null)
        {
            return; // the tests skip themselves with the reason
        }

        // "10.0.401 [/usr/share/dotnet/sdk]", one line per SDK: .NET's root is the parent of the sdk folder.
        string sdks = (await CommandRun.RunAsync(["dotnet", "--list-sdks"])).AssertSucceeded().Output;
        string line = sdks.Split('\n').Last(l => l.StartsWith("10.", StringComparison.Ordinal));
        DotnetRoot = Path.GetDirectoryName(line[(line.IndexOf('[') + 1)..line.LastIndexOf(']')])!;
        BareRoot = await DebianRoot.EnsureAsync("bookworm", Packages);
        LinkToolsRoot = await DebianRoot.EnsureAsync("bookworm", $"{Packages},{AptLine.Replace(' ', ',')}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A writable copy of this repository's files (those git tracks or would, not bin/, obj/ or artifacts/).</summary>
    public static async Task<TempDirectory> CopyRepositoryAsync()
    {
        var copy = new TempDirectory();
        var files = (await CommandRun.RunAsync(["git", "-C", RepositoryRoot.Path, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])).AssertSucceeded();
        foreach (string file in files.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            string source = Path.Combine(RepositoryRoot.Path, file);
            if (File.Exists(source)) // a file deleted but not yet committed is still listed
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy.Path, file))!);
                File.Copy(source, Path.Combine(copy.Path, file)); // keeps the mode, so scripts stay executable
            }
        }

        return copy;
    }

    /// <summary>Starts <paramref name="command"/> in a container of <paramref name="root"/>, in <c>/repo</c>, the copy <paramref name="repository"/>.</summary>
    public Run Start(string root, string repository, IReadOnlyList<string> command)
    {
        // In a cgroup of its own, as every container: not in the one a booted container's systemd manages.
        var cgroup = ContainerCgroup.Create();
        var nspawn = cgroup.Wrap(
        [
            "systemd-nspawn", "--directory", root, "--volatile=overlay", "--register=no", "--keep-unit", "--quiet", "--pipe",
            // This machine's network (no --private-network): the SDK restores from nuget.org and the
            // build downloads the old glibc from Debian; the test reaches the server on loopback.
            // The CA certificates are this machine's too: a network that inspects TLS (CI's may) has its CA there.
            "--bind-ro", DotnetRoot, "--bind-ro", "/etc/ssl/certs", "--bind", $"{repository}:/repo", "--chdir", "/repo",
            "--setenv", $"PATH={DotnetRoot}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--setenv", "DOTNET_NOLOGO=1", "--setenv", "DOTNET_CLI_TELEMETRY_OPTOUT=1",
            // No MSBuild node outlives the build: the container ends with its first process.
            "--setenv", "MSBUILDDISABLENODEREUSE=1",
            .. command,
        ]);
        return new(Process.Start(new ProcessStartInfo(nspawn[0], nspawn.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!, cgroup);
    }

    /// <summary>A container's run: its output, collected, and its end; disposing stops it.</summary>
    public sealed class Run : IAsyncDisposable
    {
        private readonly Process _nspawn;
        private readonly ContainerCgroup _cgroup;
        private readonly Task<string> _output;
        private readonly Task<string> _errors;

        internal Run(Process nspawn, ContainerCgroup cgroup)
        {
            _nspawn = nspawn;
            _cgroup = cgroup;
            _output = nspawn.StandardOutput.ReadToEndAsync();
            _errors = nspawn.StandardError.ReadToEndAsync();
        }

        public bool HasExited => _nspawn.HasExited;

        /// <summary>Waits for the end.</summary>
        /// <returns>The exit code and what the command printed to stdout and stderr.</returns>
        public async Task<CommandRun> WaitForExitAsync(TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            await _nspawn.WaitForExitAsync(deadline.Token);
            return new CommandRun("systemd-nspawn", _nspawn.ExitCode, await _output, await _errors);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_nspawn.HasExited)
            {
                // nspawn answers SIGTERM by killing the container's processes, every one (Process.Kill's
                // SIGKILL would end nspawn alone and leave the server running).
                Signals.Send(_nspawn.Id, Signals.Terminate);
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _nspawn.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    _nspawn.Kill(entireProcessTree: true);
                }
            }

            _nspawn.Dispose();
            _cgroup.Delete();
        }
    }
}
