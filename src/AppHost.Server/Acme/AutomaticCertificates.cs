using System.Collections.Frozen;
using System.Net.Security;
using AppHost.Acme.Challenges;
using AppHost.Acme.Protocol;
using AppHost.Acme.Renewal;
using AppHost.Certificates;
using AppHost.Listening;

namespace AppHost.Acme;

/// <summary>
/// The certificates ACME keeps, one per name, as the handshakes see them: a snapshot swapped whole
/// when one changes, so a handshake reads it without a lock. The renewal loop
/// (<see cref="CertificateMaintainer"/>) starts once the server listens, so the CA's checks reach it.
/// </summary>
internal sealed class AutomaticCertificates : IDisposable
{
    // On stop, an order in flight gets this long to notice and withdraw its challenges.
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    private readonly AcmeOptions _acme;
    private readonly CertificateStore _store;
    private readonly HttpClient _http;
    private readonly Serilog.ILogger _log;
    private readonly Lock _swap = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile FrozenDictionary<string, SslServerAuthenticationOptions> _served = FrozenDictionary<string, SslServerAuthenticationOptions>.Empty;
    private Task? _renewing;
    private Action? _servedChanged;

    public AutomaticCertificates(AcmeOptions acme, CertificateStore store, HttpClient http, Serilog.ILogger log)
    {
        _acme = acme;
        _store = store;
        _http = http;
        _log = log;
    }

    /// <summary>What the order puts up and the responders answer.</summary>
    public PendingChallenges Challenges { get; } = new();

    /// <summary>The names with no certificate to serve yet.</summary>
    public IReadOnlyList<string> Waiting => [.. _acme.Domains.Where(name => !_served.ContainsKey(name))];

    public AcmeOptions Options => _acme;

    /// <summary>How each name's orders ended, for the metrics.</summary>
    public OrderTally Orders { get; } = new();

    /// <summary>The names with a certificate, and the options their handshakes get.</summary>
    public IReadOnlyList<KeyValuePair<string, SslServerAuthenticationOptions>> Served => [.. _served];

    /// <summary>The options for a handshake's SNI name; a client that sent none gets the first name's certificate.</summary>
    /// <returns>null when there is no certificate for the name (yet), which refuses the handshake.</returns>
    public SslServerAuthenticationOptions? Select(string? serverName) =>
        _served.GetValueOrDefault(serverName ?? _acme.Domains[0]);

    /// <summary>Serves a certificate for a name from the next handshake on; open connections keep theirs.</summary>
    public void Serve(string name, ServerCertificate certificate)
    {
        var options = TlsSettings.CreateOptions(certificate);
        lock (_swap)
        {
            var next = new Dictionary<string, SslServerAuthenticationOptions>(_served, StringComparer.OrdinalIgnoreCase) { [name] = options };
            _served = next.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }

        _servedChanged?.Invoke();
    }

    /// <summary>Starts ordering and renewing in the background.</summary>
    /// <param name="plainHttpListener">Whether a plain HTTP listener answers HTTP-01 (--http-port, or systemd's "http" socket).</param>
    /// <param name="servedChanged">Called after a name gets a new certificate, so the status systemd shows can follow.</param>
    public void StartRenewing(bool plainHttpListener, Action? servedChanged = null)
    {
        _servedChanged = servedChanged;
        // The account key is read or made inside the maintainer's round, under the state folder's lock,
        // so two processes starting together on one folder make one account, not two.
        var maintainer = new CertificateMaintainer(_acme.Domains, new ChallengeChoice(plainHttpListener), _store, Challenges,
            cancel => AcmeClient.OpenAccountAsync(_http, _acme.Directory, _store.LoadOrCreateAccountKey(), _acme.Email, TimeProvider.System, cancel),
            Serve, _log, TimeProvider.System)
        {
            Orders = Orders,
        };
        _renewing = maintainer.RunAsync(_stopping.Token);
    }

    /// <summary>Stops ordering and renewing: on a stop signal, so no order runs while the listeners drain.</summary>
    public void StopRenewing() => _stopping.Cancel();

    public void Dispose()
    {
        StopRenewing();
        try
        {
            if (_renewing is not null && !_renewing.Wait(StopWait))
            {
                _log.Warning("ACME: an order was still running at stop; its challenges may stay pending at the CA until they expire");
            }
        }
        catch (AggregateException e)
        {
            _log.Warning("ACME: the renewal loop ended with {Problem:l}", e.InnerException?.Message ?? e.Message);
        }

        _stopping.Dispose();
        _http.Dispose();
    }
}
