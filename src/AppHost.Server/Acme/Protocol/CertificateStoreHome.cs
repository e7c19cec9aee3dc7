using System.Security.Cryptography.X509Certificates;

namespace AppHost.Acme.Protocol;

/// <summary>
/// Makes .NET's certificate checks work for a user without a home directory, without changing the
/// process's environment.
/// </summary>
/// <remarks>
/// On Linux every X509Chain.Build, and so every TLS handshake of the ACME client, opens the user's
/// certificate stores (~/.dotnet/corefx/cryptography/x509stores): the Disallowed store first, then
/// the CA and My stores as untrusted intermediates, whatever the chain's trust mode; a custom root
/// trust or validation callback does not avoid it. Without $HOME and without a home in the user
/// database (systemd's DynamicUser= without nss-systemd, a bare container) that throws "the home
/// directory of the current user could not be determined" and the handshake fails. .NET resolves
/// that folder once per process and keeps it, so this resolves it once with a stand-in home and
/// puts $HOME back as it was: the stores then live under the stand-in, and nothing else in the
/// process, nor any child it starts, sees a changed $HOME.
/// </remarks>
internal static class CertificateStoreHome
{
    /// <summary>Resolves the user's certificate-store folder, under <paramref name="standIn"/> if the user has no home.</summary>
    /// <param name="standIn">A folder of this user's own, such as the ACME state folder.</param>
    /// <returns>True if the stand-in was needed.</returns>
    public static bool Ensure(string standIn)
    {
        if (Resolves())
        {
            return false;
        }

        string? home = Environment.GetEnvironmentVariable("HOME");
        Environment.SetEnvironmentVariable("HOME", standIn);
        try
        {
            return Resolves()
                ? true
                : throw new StartupException($"ACME: .NET's TLS client needs a home directory for its certificate stores and cannot use '{standIn}'; set HOME for the service");
        }
        finally
        {
            Environment.SetEnvironmentVariable("HOME", home);
        }
    }

    private static bool Resolves()
    {
        try
        {
            using var store = new X509Store(StoreName.Disallowed, StoreLocation.CurrentUser, OpenFlags.ReadOnly);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
