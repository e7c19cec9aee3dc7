using System.CommandLine;

namespace AppHostSample.Cli;

/// <summary>
/// The command line: its options, their environment variables, and the one-line errors and exit
/// codes of a wrong command line or of a server that cannot start.
/// </summary>
internal static class ServerCommand
{
    /// <summary>Parses <paramref name="args"/>, runs <paramref name="serve"/> and returns the process exit code.</summary>
    public static int Run(string[] args, Func<ServerOptions, Task<int>> serve)
    {
        // The defaults live in ServerOptions, with their documentation.
        var defaults = new ServerOptions();
        var port = EnvironmentOption.Create("--port", "TCP port to listen on.", defaults.Port, ValueSyntax.Port);
        var host = EnvironmentOption.Create("--host", "Address to listen on. Default: every interface, IPv4 and IPv6.", null, ValueSyntax.Address);
        var httpPort = EnvironmentOption.Create("--http-port", "Plain HTTP port that redirects every request to HTTPS (308). Needs --cert.", defaults.HttpPort, ValueSyntax.RedirectPort);
        var hostNames = EnvironmentOption.CreateList("--host-name", "Host name requests must be addressed to (repeatable); others get 400. Default: any.", ValueSyntax.HostName);
        var cert = EnvironmentOption.Create("--cert", "HTTPS certificate: a .pfx/.p12 file, or a PEM file with its chain plus --key.", null, ValueSyntax.FilePath);
        var key = EnvironmentOption.Create("--key", "Private key (PEM) of a PEM certificate.", null, ValueSyntax.FilePath);
        var passwordFile = EnvironmentOption.Create("--cert-password-file",
            $"File holding the password of the .pfx or of an encrypted key; or set {AppInfo.EnvironmentPrefix}CERT_PASSWORD.", null, ValueSyntax.FilePath);
        var logLevel = EnvironmentOption.Create("--log-level", "Least important events logged.", defaults.LogLevel, ValueSyntax.LogLevel);
        var logFormat = EnvironmentOption.Create("--log-format", "text or json. Default: text on a terminal, json otherwise.", null, ValueSyntax.LogFormat);
        var shutdownTimeout = EnvironmentOption.Create("--shutdown-timeout", "Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.",
            (int)defaults.ShutdownTimeout.TotalSeconds, ValueSyntax.Seconds);
        var maxConnections = EnvironmentOption.Create("--max-connections", "Most connections open at once.", defaults.MaxConnections, ValueSyntax.ConnectionCount);

        var command = new RootCommand($"{AppInfo.Name}: a web server. HTTPS with HTTP/1.1 and HTTP/2 when given --cert.")
        {
            port, host, httpPort, hostNames, cert, key, passwordFile, logLevel, logFormat, shutdownTimeout, maxConnections,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(cert) is null && (result.GetValue(key) ?? result.GetValue(passwordFile)) is not null)
            {
                result.AddError("--key and --cert-password-file belong to a certificate: add --cert FILE");
            }

            if (result.GetValue(httpPort) is int redirect && result.GetValue(cert) is null)
            {
                result.AddError($"--http-port {redirect} redirects to HTTPS, which needs a certificate: add --cert FILE");
            }
            else if (result.GetValue(httpPort) is int same && same == result.GetValue(port))
            {
                result.AddError($"--http-port {same} is also --port; choose another port for the redirect");
            }
        });
        command.SetAction(async (parsed, _) =>
        {
            var options = new ServerOptions
            {
                Port = parsed.GetValue(port),
                Host = parsed.GetValue(host),
                HttpPort = parsed.GetValue(httpPort),
                HostNames = parsed.GetValue(hostNames) ?? [],
                Certificate = parsed.GetValue(cert) is { } certPath
                    ? new CertificateFiles(certPath, parsed.GetValue(key), parsed.GetValue(passwordFile))
                    : null,
                LogLevel = parsed.GetValue(logLevel),
                LogFormat = parsed.GetValue(logFormat) ?? (Console.IsOutputRedirected ? LogFormat.Json : LogFormat.Text),
                ShutdownTimeout = TimeSpan.FromSeconds(parsed.GetValue(shutdownTimeout)),
                MaxConnections = parsed.GetValue(maxConnections),
            };
            try
            {
                return await serve(options);
            }
            catch (StartupException e)
            {
                return Fail(ExitCodes.Failure, e.Message);
            }
        });

        var parseResult = command.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            return Fail(ExitCodes.Usage, $"{parseResult.Errors[0].Message} (see {AppInfo.Name} --help)");
        }

        // The host handles SIGTERM and Ctrl-C itself and drains in-flight requests for up to
        // --shutdown-timeout; System.CommandLine must not cut that short with its own handler.
        return parseResult.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
