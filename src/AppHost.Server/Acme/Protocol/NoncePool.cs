using System.Collections.Concurrent;

namespace AppHost.Acme.Protocol;

/// <summary>
/// Anti-replay nonces (RFC 8555 §6.5) gathered from every response's Replay-Nonce header, so most
/// requests need no extra round trip to newNonce. Newest first: an older nonce is the one more
/// likely to have expired at the CA.
/// </summary>
internal sealed class NoncePool
{
    // A handful is plenty: each request uses one and returns one. The bound only stops a pool that
    // grows without use (many GETs) from holding nonces the CA has long forgotten.
    private const int MaxNonces = 16;

    private readonly ConcurrentStack<string> _nonces = new();

    public void Add(string nonce)
    {
        _nonces.Push(nonce);
        if (_nonces.Count > MaxNonces)
        {
            // Keep the newest half; a race here only costs a newNonce request later.
            string[] newest = new string[MaxNonces / 2];
            int kept = _nonces.TryPopRange(newest);
            _nonces.Clear();
            Array.Reverse(newest, 0, kept); // popped newest first; pushed last so it stays on top
            _nonces.PushRange(newest, 0, kept);
        }
    }

    public bool TryTake(out string nonce) => _nonces.TryPop(out nonce!);

    public void Clear() => _nonces.Clear();
}
