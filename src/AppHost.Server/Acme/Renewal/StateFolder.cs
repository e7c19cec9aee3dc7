using System.Text;
using AppHost.Files;

namespace AppHost.Acme.Renewal;

/// <summary>
/// Where ACME state lives: the account key, certificates and keys, the lock. Private to the user
/// running the server (0700), one subfolder per CA directory so staging and production never mix.
/// </summary>
internal static class StateFolder
{
    /// <summary>rwx for the owner only: the folder holds private keys.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// The state root: <paramref name="stateDir"/> when given; else systemd's <c>$STATE_DIRECTORY</c>
    /// (StateDirectory=, first entry); else <c>$XDG_STATE_HOME/APP</c>; else <c>~/.local/state/APP</c>
    /// (the XDG Base Directory default for state).
    /// </summary>
    public static string Root(string appName, string? stateDir, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(stateDir))
        {
            return Path.GetFullPath(stateDir);
        }

        // systemd separates several StateDirectory= entries with ':'; the first is the service's own.
        if (environment("STATE_DIRECTORY") is { Length: > 0 } systemd)
        {
            return systemd.Split(':')[0];
        }

        if (environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, appName);
        }

        string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "state", appName);
    }

    /// <summary>
    /// The folder of one CA: <c>ROOT/acme/HOST[_PORT]_PATH</c>, e.g. <c>acme/acme-v02.api.letsencrypt.org_directory</c>.
    /// Anything but letters, digits, '.' and '-' becomes '_', so no URL can climb out of the root.
    /// </summary>
    public static string ForDirectory(string root, Uri directoryUrl)
    {
        var name = new StringBuilder(directoryUrl.Host);
        if (!directoryUrl.IsDefaultPort)
        {
            name.Append('_').Append(directoryUrl.Port);
        }

        name.Append(directoryUrl.AbsolutePath.TrimEnd('/'));
        for (int i = 0; i < name.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(name[i]) && name[i] is not '.' and not '-')
            {
                name[i] = '_';
            }
        }

        // A host is never "." or ".." (Uri refuses it), and the '/' of the path became '_'.
        return Path.Combine(root, "acme", name.ToString());
    }

    /// <summary>Creates the folder (and missing parents) 0700, and proves it writable by writing a file in it.</summary>
    /// <exception cref="StartupException">The folder cannot be created or written; the message names it and the fix.</exception>
    public static string Create(string path)
    {
        try
        {
            CreatePrivate(path);
            var options = AtomicFile.PrivateOptions(FileMode.Create, FileAccess.Write);
            options.Options = FileOptions.DeleteOnClose;
            using (new FileStream(Path.Combine(path, ".write-test"), options))
            {
            }

            return path;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new StartupException($"state folder '{path}' is not writable ({e.Message}); give a writable one with --state-dir DIR", e);
        }
    }

    /// <summary>Creates a folder and each missing parent 0700; on Windows they inherit the user profile's private ACL.</summary>
    public static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; the parents it
        // makes get 0777 minus umask. Making each missing one here keeps STATE/APP and STATE/APP/acme private.
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            if (Path.GetDirectoryName(full) is { } parent)
            {
                CreatePrivate(parent);
            }

            Directory.CreateDirectory(full, Mode);
        }
    }
}
