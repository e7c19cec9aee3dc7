namespace AppHost.Contract;

/// <summary>
/// The standard options' names. The server defines the options; the apphost tool writes them into
/// unit files and command lines, so both take the names from here.
/// </summary>
internal static class OptionNames
{
    public const string Port = "--port";
    public const string Host = "--host";
    public const string HttpPort = "--http-port";
    public const string HostName = "--host-name";
    public const string Cert = "--cert";
    public const string Key = "--key";
    public const string CertPasswordFile = "--cert-password-file";
    public const string AcmeDomain = "--acme-domain";
    public const string AcmeEmail = "--acme-email";
    public const string AcmeDirectory = "--acme-directory";
    public const string AcmeCaFile = "--acme-ca-file";
    public const string StateDir = "--state-dir";
    public const string LogLevel = "--log-level";
    public const string LogFormat = "--log-format";
    public const string ShutdownTimeout = "--shutdown-timeout";
    public const string MaxConnections = "--max-connections";
    public const string ReadyFile = "--ready-file";
    public const string ForwardedBy = "--forwarded-by";
    public const string ProxyProtocol = "--proxy-protocol";
    public const string MetricsPort = "--metrics-port";
    public const string MetricsHost = "--metrics-host";
    public const string OtlpEndpoint = "--otlp-endpoint";
    public const string OtlpInterval = "--otlp-interval";
    public const string OtlpHeadersFile = "--otlp-headers-file";
    public const string Check = "--check";
}
