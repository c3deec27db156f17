namespace Qkd.Gateway.Pipeline;

/// <summary>
/// Bounds how often a receiver asks its KME for keys it does not know, per claimed sender SAE: a token bucket of
/// <see cref="Burst"/> fetches refilled at <see cref="FetchesPerSecond"/>. A stream of forged headers with fresh key
/// IDs therefore costs the KME at most that many dec_keys calls per sender, whatever the attacker sends.
/// </summary>
/// <remarks>
/// Token bucket: tokens = min(B, tokens + r * dt) before each request, the request passes when tokens >= 1 and takes one.
/// B burst [fetches], r refill rate [fetches/s], dt time since the last update [s]. Standard traffic shaper
/// (J. Turner, "New directions in communications", IEEE Communications Magazine 24(10), 1986).
/// </remarks>
public sealed class KeyFetchLimiter
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (double Tokens, long Timestamp)> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Buckets kept at most; beyond, new claimed senders are refused (only under an unpinned policy can they be unbounded).</summary>
    public const int MaxSenders = 4096;

    public KeyFetchLimiter(int burst = 64, double fetchesPerSecond = 8, TimeProvider? time = null)
    {
        if (burst < 1 || burst > 100_000)
        {
            throw new ArgumentException($"Key fetch burst must be within [1, 100000] fetches, but was {burst}.");
        }
        if (!(fetchesPerSecond > 0 && fetchesPerSecond <= 10_000))
        {
            throw new ArgumentException($"Key fetch rate must be within (0, 10000] fetches/s, but was {fetchesPerSecond} fetches/s.");
        }
        Burst = burst;
        FetchesPerSecond = fetchesPerSecond;
        _time = time ?? TimeProvider.System;
    }

    public int Burst { get; }
    public double FetchesPerSecond { get; }

    /// <summary>Takes one fetch from <paramref name="senderSaeId"/>'s bucket; false when it is empty.</summary>
    public bool TryAcquire(string senderSaeId)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(senderSaeId, out var b))
            {
                if (_buckets.Count >= MaxSenders)
                {
                    return false;
                }
                b = (Burst, now);
            }
            var tokens = Math.Min(Burst, b.Tokens + _time.GetElapsedTime(b.Timestamp, now).TotalSeconds * FetchesPerSecond);
            var granted = tokens >= 1;
            _buckets[senderSaeId] = (granted ? tokens - 1 : tokens, now);
            return granted;
        }
    }
}
