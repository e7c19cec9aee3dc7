namespace AppHost.Files;

/// <summary>The small files an operator points the server at, read whole, with one line for each way that fails.</summary>
internal static class SmallFile
{
    /// <summary>Reads a file of a few KiB: a certificate, a key, a password, OTLP's headers.</summary>
    /// <param name="path">The file, as given.</param>
    /// <param name="what">What it holds, for messages: "certificate", "password file".</param>
    /// <param name="option">The option that named it, for messages: "--cert".</param>
    /// <returns>Its content.</returns>
    /// <exception cref="StartupException">It does not exist, is a directory, cannot be read, or is over 1 MiB; one line that says the fix.</exception>
    public static byte[] Read(string path, string what, string option)
    {
        if (Directory.Exists(path))
        {
            throw new StartupException($"{what} '{path}' is a directory; give {option} the file inside it");
        }

        try
        {
            // Read with a bound rather than trusting the file's length, which a pipe does not have
            // (--cert-password-file <(pass show site)). Certificates, keys and passwords are a few
            // KiB; anything over 1 MiB is the wrong file.
            const int MaxBytes = 1024 * 1024;
            using var file = File.OpenRead(path);
            using var content = new MemoryStream();
            var buffer = new byte[16 * 1024];
            for (int read; (read = file.Read(buffer)) > 0;)
            {
                content.Write(buffer, 0, read);
                if (content.Length > MaxBytes)
                {
                    throw new StartupException($"{what} '{path}' is over {MaxBytes / 1024} KiB, too large to be a {what}; check the path given to {option}");
                }
            }

            return content.ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StartupException($"{what} '{path}' does not exist; check the path given to {option}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StartupException($"{what} '{path}' cannot be read (permission denied); make it readable by the user running the server", e);
        }
        catch (IOException e)
        {
            throw new StartupException($"{what} '{path}' cannot be read: {e.Message}", e);
        }
    }
}
