using System.CommandLine;
using AppHost.CommandLine;
using AppHost.Contract;
using AppHost.Running;

namespace AppHost;

/// <summary>
/// The server's command line: the standard options and their environment variables, the app's
/// own options, and the one-line errors and exit codes of a wrong command line or of a server that
/// cannot start.
/// </summary>
public static class ServerCommand
{
    /// <summary>Parses <paramref name="args"/>, runs <paramref name="serve"/> and returns the process exit code.</summary>
    /// <param name="appName">
    /// The app's name, as its native file is named (for example "shop"): shown by --help, given to
    /// the host, and in upper case the prefix of the environment variables (<c>SHOP_PORT</c>).
    /// </param>
    /// <param name="args">The command line, as Main received it.</param>
    /// <param name="serve">Runs the server with the parsed options and returns the exit code.</param>
    /// <param name="defaults">The values of the standard options that the command line and the environment leave unset, for example <c>new ServerDefaults { Port = 8080 }</c>.</param>
    /// <param name="appOptions">The app's own options, shown by --help beside the standard ones; read them with <see cref="ServerOptions.GetValue{T}"/>.</param>
    /// <returns>
    /// What <paramref name="serve"/> returned; <see cref="ExitCodes.Usage"/> for a wrong command line, and
    /// <see cref="ExitCodes.Failure"/> when it threw a <see cref="StartupException"/>, each after one line on stderr.
    /// </returns>
    public static int Run(string appName, string[] args, Func<ServerOptions, Task<int>> serve, ServerDefaults defaults, params Option[] appOptions)
    {
        var app = new AppIdentity(appName);
        var standard = new StandardOptions(app, defaults);
        var command = new RootCommand($"{appName}: a web server. HTTPS with HTTP/1.1 and HTTP/2 when given --cert.");
        standard.AddTo(command);
        // A mode, not a setting, so it has no environment variable: `apphost deploy` runs the new
        // file with it on each host to have the app's own parser judge its options before it takes over.
        var check = new Option<bool>(OptionNames.Check) { Description = "Check the options and environment variables, then exit (0 when valid) without listening." };
        command.Options.Add(check);
        foreach (var option in appOptions)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, _) =>
        {
            if (parsed.GetValue(check))
            {
                // The one start-up failure the build decides rather than the machine: worth finding before a deploy switches over.
                var options = standard.Read(parsed);
                string? metricsBy = options.MetricsPort is not null ? OptionNames.MetricsPort : options.OtlpEndpoint is not null ? OptionNames.OtlpEndpoint : null;
                return metricsBy is not null && !Metrics.MetricsFeature.IsSupported
                    ? Fail(ExitCodes.Failure, MetricsEndpoint.NotInThisBuild(metricsBy))
                    : ExitCodes.Success;
            }

            // Before the app makes its first socket, which is when the runtime reads the setting.
            InlineSocketCompletions.Enable();
            try
            {
                return await serve(standard.Read(parsed));
            }
            catch (StartupException e)
            {
                return Fail(ExitCodes.Failure, e.Message);
            }
        });

        var parseResult = command.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            return Fail(ExitCodes.Usage, $"{parseResult.Errors[0].Message} (see {appName} --help)");
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
