using System.Security.Cryptography.X509Certificates;
using AppHost.Acme.Challenges;
using AppHost.Acme.Protocol;
using AppHost.Certificates;

namespace AppHost.Acme.Renewal;

/// <summary>
/// Keeps one certificate per name current, each name in a loop of its own so a failing name never
/// holds up the others. Each round: take the state folder's lock, re-read the store (another process
/// sharing the folder may have ordered meanwhile), order when the certificate is missing or due,
/// store it, hand it over, and sleep until it is due (by ARI when the CA offers it). A failure is
/// logged at Error with the CA's problem and the next attempt's time, then backed off.
/// </summary>
internal sealed class CertificateMaintainer(
    IReadOnlyList<string> names,
    ChallengeChoice challenges,
    CertificateStore store,
    PendingChallenges pending,
    Func<CancellationToken, Task<AcmeClient>> openAccount,
    Action<string, ServerCertificate> certificateReady,
    Serilog.ILogger log,
    TimeProvider time,
    Func<double>? random = null)
{
    // A sleep is cut into pieces of at most a day: Task.Delay cannot wait 60 days (its limit is about
    // 49), and waking daily also notices a certificate another process renewed, and a clock that jumped.
    private static readonly TimeSpan MaxSleep = TimeSpan.FromDays(1);

    // Jitter only spreads load, it protects nothing: a shared non-cryptographic generator is right.
#pragma warning disable CA5394 // Random is insecure: not used for anything secret
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;
#pragma warning restore CA5394

    private AcmeClient? _client;

    /// <summary>Where each order's outcome is counted, for the metrics.</summary>
    public OrderTally Orders { get; init; } = new();

    /// <summary>Runs until <paramref name="stopping"/> fires; never throws for a failed order.</summary>
    public Task RunAsync(CancellationToken stopping) =>
        Task.WhenAll(names.Select(name => Task.Run(() => MaintainAsync(name, stopping), CancellationToken.None)));

    private async Task MaintainAsync(string name, CancellationToken stopping)
    {
        var state = new MaintainedName(_random()) { PreferHttp01 = challenges.PreferHttp01 };
        int failures = 0;
        var next = time.GetUtcNow();
        try
        {
            while (true)
            {
                await SleepUntilAsync(next, stopping);
                try
                {
                    next = await RoundAsync(name, state, stopping);
                    failures = 0;
                    state.SwitchedChallenge = false;
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    var problem = e as AcmeProblemException;
                    if (problem?.ChallengeType is { } failedType && challenges.PlainHttpListener && !state.SwitchedChallenge)
                    {
                        // The CA could not reach the server one way; the other may work (port 80 blocked by an ISP,
                        // or a proxy in front of port 443 that ends TLS itself), so a new order tries it at once.
                        state.PreferHttp01 = failedType == ChallengeChoice.TlsAlpn01;
                        state.SwitchedChallenge = true;
                        next = time.GetUtcNow();
                        log.Warning("ACME: {Failed:l} for {Name:l} failed: {Problem:l}; trying {Other:l} now", failedType, name, OneLine(e),
                            state.PreferHttp01 ? ChallengeChoice.Http01 : ChallengeChoice.TlsAlpn01);
                        continue;
                    }

                    failures++;
                    state.SwitchedChallenge = false;
                    if (problem?.ChallengeType is { } lastType)
                    {
                        state.PreferHttp01 = challenges.PlainHttpListener && lastType == ChallengeChoice.TlsAlpn01;
                    }

                    // Read the directory and look the account up afresh next time: after a network failure, and
                    // after a refusal too (the CA may have dropped the account, as a staging reset does).
                    _client = null;

                    next = Backoff.Next(time.GetUtcNow(), failures, problem?.RetryAfter, _random());
                    log.Error("ACME: certificate for {Name:l} not obtained: {Problem:l}; next attempt at {NextAttempt:yyyy-MM-dd HH:mm:ss}Z",
                        name, OneLine(e), next.UtcDateTime);
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Stopping (whatever the round was doing threw as it was cut off): nothing to clean up;
            // pending challenges were withdrawn by the order's finally.
        }
    }

    /// <summary>One round under the lock; returns when to wake next.</summary>
    private async Task<DateTimeOffset> RoundAsync(string name, MaintainedName state, CancellationToken stopping)
    {
        using var held = await StateLock.TakeAsync(store.Folder, time, stopping);
        var current = LoadStored(name);
        bool handedNow = false;
        try
        {
            // An expired certificate is never handed over: a handshake failing is better than one the
            // client refuses with a date error. It is still read for its ARI id, and renewed at once.
            if (current is not null && current.Leaf.Thumbprint != state.Handed && current.Leaf.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime)
            {
                Hand(name, state, current); // another process ordered it, or this is the first round
                handedNow = true;
            }

            var client = _client ??= await openAccount(stopping);
            var now = time.GetUtcNow();
            var (renewAt, wakeAt) = current is null ? (now, now) : await PlanAsync(client, current.Leaf, state.Jitter, stopping);
            if (renewAt > now)
            {
                return wakeAt;
            }

            string? replaces = current is null ? null : AriCertificateId.Of(current.Leaf);
            var order = new CertificateOrder(client, pending);
            var choice = challenges with { PreferHttp01 = state.PreferHttp01 };
            ServerCertificate renewed;
            IssuedCertificate issued;
            try
            {
                issued = await ObtainAsync(order, name, choice, replaces, stopping);
                store.Save(issued);
                renewed = store.Load(name) ?? throw new InvalidDataException($"the certificate for {name} just stored cannot be read back");
            }
            catch (Exception) when (!stopping.IsCancellationRequested)
            {
                Orders.Count(name, renewal: current is not null, obtained: false, time.GetUtcNow());
                throw;
            }

            Orders.Count(name, renewal: current is not null, obtained: true, time.GetUtcNow());
            // Keep what worked: a server whose port 443 the CA cannot reach would otherwise fail TLS-ALPN-01 first every time.
            // A reused authorization (no challenge answered) says nothing about which works.
            if (issued.ChallengeType is { } worked)
            {
                state.PreferHttp01 = worked == ChallengeChoice.Http01;
            }

            log.Information("ACME: certificate for {Name:l} obtained, expires {NotAfter:yyyy-MM-dd HH:mm:ss}Z", name, renewed.Leaf.NotAfter.ToUniversalTime());
            Hand(name, state, renewed);
            return (await PlanAsync(client, renewed.Leaf, state.Jitter, stopping)).WakeAt;
        }
        finally
        {
            if (!handedNow && current is not null)
            {
                // A second copy of the certificate in service, read for its dates only.
                current.Leaf.Dispose();
                foreach (var intermediate in current.Chain)
                {
                    intermediate.Dispose();
                }
            }
        }
    }

    /// <summary>One order: with <c>replaces</c> first, and without it if the CA refuses the order for it.</summary>
    private async Task<IssuedCertificate> ObtainAsync(CertificateOrder order, string name, ChallengeChoice choice, string? replaces, CancellationToken stopping)
    {
        try
        {
            return await order.ObtainAsync(name, choice, replaces, stopping);
        }
        catch (AcmeProblemException e) when (replaces is not null && e.ChallengeType is null)
        {
            // The CA refused the order itself, as it does for a "replaces" it will not accept (already
            // replaced by an order whose result was never stored, or a certificate of another account):
            // sending it again would fail the same way until expiry, so one order goes without it.
            log.Warning("ACME: renewal of {Name:l} as a replacement refused: {Problem:l}; ordering it as a new certificate", name, e.Message);
            return await order.ObtainAsync(name, choice, replaces: null, stopping);
        }
    }

    /// <summary>Expected failures (the CA's problem, the network, a timeout) in one line; anything else with its stack, as a bug.</summary>
    private static string OneLine(Exception e) => e switch
    {
        AcmeProblemException => e.Message,
        // "The SSL connection could not be established, see inner exception": the causes beneath say what went wrong.
        HttpRequestException or InvalidDataException or IOException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException or ArgumentException => WithCauses(e),
        TimeoutException or TaskCanceledException => "timed out: " + e.Message, // HttpClient.Timeout surfaces as TaskCanceledException
        _ => e.ToString(),
    };

    private static string WithCauses(Exception e)
    {
        string line = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            line += ": " + inner.Message;
        }

        return line;
    }

    /// <summary>The stored certificate; a damaged one counts as none, so a new order replaces it.</summary>
    private ServerCertificate? LoadStored(string name)
    {
        try
        {
            return store.Load(name);
        }
        catch (StartupException e)
        {
            log.Warning("ACME: stored certificate for {Name:l} ignored: {Problem:l}", name, e.Message);
            return null;
        }
    }

    private void Hand(string name, MaintainedName state, ServerCertificate certificate)
    {
        state.Handed = certificate.Leaf.Thumbprint;
        state.Jitter = _random(); // one draw per certificate, so re-checks do not move its renewal time
        certificateReady(name, certificate); // the receiver owns it from now on
    }

    /// <summary>When to renew <paramref name="leaf"/>, and when to wake (earlier, to ask ARI again).</summary>
    private async Task<(DateTimeOffset RenewAt, DateTimeOffset WakeAt)> PlanAsync(AcmeClient client, X509Certificate2 leaf, double jitter, CancellationToken cancel)
    {
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        if (AriCertificateId.Of(leaf) is { } id)
        {
            try
            {
                if (await client.GetRenewalInfoAsync(id, cancel) is var (info, retryAfter))
                {
                    var renewAt = RenewalSchedule.RenewAt(notBefore, notAfter, info.SuggestedWindow, jitter);
                    var recheck = RenewalSchedule.NextAriCheck(time.GetUtcNow(), retryAfter);
                    return (renewAt, renewAt < recheck ? renewAt : recheck);
                }
            }
            catch (Exception e) when (e is AcmeProblemException or HttpRequestException or InvalidDataException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // RFC 9773 §4.3: without an answer the client falls back on its own schedule.
                log.Warning("ACME: renewal information for {Name:l} unavailable ({Problem:l}); renewing by lifetime", leaf.GetNameInfo(X509NameType.DnsName, false), e.Message);
            }
        }

        var byLifetime = RenewalSchedule.RenewAt(notBefore, notAfter, jitter);
        return (byLifetime, byLifetime);
    }

    private async Task SleepUntilAsync(DateTimeOffset at, CancellationToken stopping)
    {
        for (var wait = at - time.GetUtcNow(); wait > TimeSpan.Zero; wait = at - time.GetUtcNow())
        {
            await Task.Delay(wait < MaxSleep ? wait : MaxSleep, time, stopping);
        }
    }
}
