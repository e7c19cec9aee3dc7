using System.Security.Cryptography;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Deploy;

/// <summary>The files the deploy tests roll out beside the sample's native file, made in seconds rather than by another publish.</summary>
public sealed class DeployReleases : IDisposable
{
    // A release that runs like any other for apphost's checks (--version, --check) and fails as a
    // server: what a version with a start-up bug looks like to systemd. C, so it needs no publish.
    private const string CrashingSource = """
        #include <stdio.h>
        #include <string.h>
        int main(int argc, char **argv) {
            if (argc > 1 && strcmp(argv[1], "--version") == 0) { puts("2.0.0-broken"); return 0; }
            for (int i = 1; i < argc; i++) if (strcmp(argv[i], "--check") == 0) return 0;
            fputs("fatal: cannot reach the database\n", stderr);
            return 1;
        }
        """;

    // A release that starts as systemd expects (its sockets, READY=1) and answers every request,
    // /healthz too, with 503: a version whose health check fails, as one that cannot reach its
    // database answers. Plain HTTP, so it needs no TLS library.
    private const string UnhealthySource = """
        #include <poll.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <sys/un.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            if (argc > 1 && strcmp(argv[1], "--version") == 0) { puts("2.0.0-unhealthy"); return 0; }
            for (int i = 1; i < argc; i++) if (strcmp(argv[i], "--check") == 0) return 0;
            const char *fds = getenv("LISTEN_FDS");
            int count = fds ? atoi(fds) : 0;
            if (count < 1 || count > 8) { fputs("no sockets from systemd\n", stderr); return 1; }
            const char *notify = getenv("NOTIFY_SOCKET");
            if (notify && strlen(notify) < sizeof ((struct sockaddr_un *)0)->sun_path) {
                struct sockaddr_un address = { .sun_family = AF_UNIX };
                memcpy(address.sun_path, notify, strlen(notify));
                if (address.sun_path[0] == '@') address.sun_path[0] = 0;
                int notifier = socket(AF_UNIX, SOCK_DGRAM, 0);
                sendto(notifier, "READY=1", 7, 0, (struct sockaddr *)&address, offsetof(struct sockaddr_un, sun_path) + strlen(notify));
                close(notifier);
            }
            struct pollfd polls[8];
            for (int i = 0; i < count; i++) { polls[i].fd = 3 + i; polls[i].events = POLLIN; }
            static const char answer[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\nConnection: close\r\n\r\nstarting\n";
            for (;;) {
                if (poll(polls, count, -1) < 0) continue;
                for (int i = 0; i < count; i++) {
                    if (!(polls[i].revents & POLLIN)) continue;
                    int connection = accept(polls[i].fd, NULL, NULL);
                    if (connection < 0) continue;
                    char request[4096];
                    if (read(connection, request, sizeof request) > 0 && write(connection, answer, sizeof answer - 1) < 0) fputs("write failed\n", stderr);
                    close(connection);
                }
            }
        }
        """;

    private readonly TempDirectory _folder = new();

    /// <summary>
    /// The sample's file with bytes appended: another release by content (another sha256), the same
    /// program, as the ELF loader ignores what follows the segments it maps.
    /// </summary>
    public string SecondRelease(string nativeFile)
    {
        string path = Path.Combine(_folder.Path, "second", Path.GetFileName(nativeFile));
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(nativeFile, path);
            File.AppendAllText(path, "second release");
        }

        return path;
    }

    /// <summary>An x64 program named like the sample that passes apphost's checks and exits 1 as a server, saying why on stderr.</summary>
    public Task<string> CrashingReleaseAsync() => CompiledAsync("crashing", CrashingSource);

    private async Task<string> CompiledAsync(string name, string code)
    {
        string source = Path.Combine(_folder.Path, $"{name}.c");
        string path = Path.Combine(_folder.Path, name, "apphostsample");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(source, code);
            (await CommandRun.RunAsync(["clang", "-O2", "-o", path, source])).AssertSucceeded();
        }

        return path;
    }

    /// <summary>An x64 program named like the sample that passes apphost's checks, starts on systemd's sockets and answers 503 to everything.</summary>
    public Task<string> UnhealthyReleaseAsync() => CompiledAsync("unhealthy", UnhealthySource);

    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    public void Dispose() => _folder.Dispose();
}
