using System.Runtime.InteropServices;

namespace AppHost;

/// <summary>SIGHUP, which <c>systemctl reload</c> sends: it means "load the certificate again" and never stops the server.</summary>
public static class ReloadSignal
{
    /// <summary>Handles SIGHUP until the returned registration is disposed.</summary>
    /// <param name="tls">The certificate to reload; null (plain HTTP) leaves nothing to reload, but SIGHUP is still caught so it cannot end the process.</param>
    /// <returns>The registration; dispose it when the server has stopped.</returns>
    public static IDisposable Handle(ServerTls? tls) =>
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            tls?.Reload();
        });
}
