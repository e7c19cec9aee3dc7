namespace AppHost.Acme.Renewal;

/// <summary>What <see cref="CertificateMaintainer"/>'s loop for one name remembers between rounds.</summary>
/// <param name="jitter">The random number of the current certificate's renewal time, in [0, 1).</param>
internal sealed class MaintainedName(double jitter)
{
    /// <summary>Thumbprint of the certificate last handed over, so the same one is not handed twice.</summary>
    public string? Handed { get; set; }

    /// <summary>Drawn once per certificate, so re-checks do not move its renewal time.</summary>
    public double Jitter { get; set; } = jitter;

    /// <summary>True after TLS-ALPN-01 failed, or when HTTP-01 is what worked last.</summary>
    public bool PreferHttp01 { get; set; }

    /// <summary>True while the attempt running is the other challenge type, tried at once after one failed.</summary>
    public bool SwitchedChallenge { get; set; }
}
