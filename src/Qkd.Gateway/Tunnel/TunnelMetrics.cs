namespace Qkd.Gateway.Tunnel;

/// <summary>
/// Counters of one tunnel end (thread-safe): connections, bytes each way, TLS KeyUpdates, QKD keys consumed,
/// handshake latency and forwarding latency (time from a plaintext chunk read to its record written, or back).
/// "Out" is plaintext side to TLS side; "in" is TLS side to plaintext side.
/// </summary>
public sealed class TunnelMetrics
{
    private long _accepted;
    private long _established;
    private long _refused;
    private long _active;
    private long _bytesOut;
    private long _bytesIn;
    private long _rekeys;
    private long _keys;
    private long _maxRekeyTicks;
    private long _freshKeys;
    private long _freshKeyFailures;
    private long _maxFreshKeyTicks;

    public LatencyRecorder HandshakeMs { get; } = new();
    public LatencyRecorder ForwardMs { get; } = new();

    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);
    public long ConnectionsEstablished => Interlocked.Read(ref _established);
    public long ConnectionsRefused => Interlocked.Read(ref _refused);
    public long ConnectionsActive => Interlocked.Read(ref _active);
    public long BytesOut => Interlocked.Read(ref _bytesOut);
    public long BytesIn => Interlocked.Read(ref _bytesIn);
    public long KeyUpdates => Interlocked.Read(ref _rekeys);
    public long KeysConsumed => Interlocked.Read(ref _keys);

    /// <summary>Longest time a KeyUpdate held the sending direction [ms].</summary>
    public double MaxKeyUpdateMs => TimeSpan.FromTicks(Interlocked.Read(ref _maxRekeyTicks)).TotalMilliseconds;

    /// <summary>Fresh QKD keys brought into running streams (fresh-key streams: segments moved to).</summary>
    public long FreshKeys => Interlocked.Read(ref _freshKeys);

    /// <summary>Attempts to bring a fresh key that failed (no key, peer unreachable); the stream stayed on its segment.</summary>
    public long FreshKeyFailures => Interlocked.Read(ref _freshKeyFailures);

    /// <summary>Longest stall a fresh key cost a direction of a stream [ms]: the sender's switch, or the reader's wait for the next segment.</summary>
    public double MaxFreshKeyStallMs => TimeSpan.FromTicks(Interlocked.Read(ref _maxFreshKeyTicks)).TotalMilliseconds;

    internal void FreshKeyMoved(TimeSpan held)
    {
        Interlocked.Increment(ref _freshKeys);
        Max(ref _maxFreshKeyTicks, held.Ticks);
    }

    internal void FreshKeyReadWait(TimeSpan waited) => Max(ref _maxFreshKeyTicks, waited.Ticks);

    internal void FreshKeyFailed() => Interlocked.Increment(ref _freshKeyFailures);

    internal void Accepted() => Interlocked.Increment(ref _accepted);
    internal void Refused() => Interlocked.Increment(ref _refused);
    internal void KeyConsumed() => Interlocked.Increment(ref _keys);
    internal void AddOut(int bytes) => Interlocked.Add(ref _bytesOut, bytes);
    internal void AddIn(int bytes) => Interlocked.Add(ref _bytesIn, bytes);

    internal void Established(double handshakeMs)
    {
        Interlocked.Increment(ref _established);
        Interlocked.Increment(ref _active);
        HandshakeMs.Add(handshakeMs);
    }

    internal void Closed() => Interlocked.Decrement(ref _active);

    internal void KeyUpdated(TimeSpan held)
    {
        Interlocked.Increment(ref _rekeys);
        Max(ref _maxRekeyTicks, held.Ticks);
    }

    private static void Max(ref long slot, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref slot)) && Interlocked.CompareExchange(ref slot, value, seen) != seen)
        {
        }
    }

    /// <summary>A snapshot for `--json` and reports.</summary>
    public TunnelMetricsSnapshot Snapshot() => new(ConnectionsAccepted, ConnectionsEstablished, ConnectionsRefused, ConnectionsActive,
        BytesOut, BytesIn, KeyUpdates, KeysConsumed, HandshakeMs.Percentile(0.5), HandshakeMs.Percentile(0.99),
        ForwardMs.Percentile(0.5), ForwardMs.Percentile(0.99), MaxKeyUpdateMs,
        FreshKeys, FreshKeyFailures, MaxFreshKeyStallMs);
}

/// <summary>Metrics at one instant; latencies in ms (NaN before the first sample).</summary>
public sealed record TunnelMetricsSnapshot(long ConnectionsAccepted, long ConnectionsEstablished, long ConnectionsRefused, long ConnectionsActive,
    long BytesOut, long BytesIn, long KeyUpdates, long KeysConsumed, double HandshakeP50Ms, double HandshakeP99Ms,
    double ForwardP50Ms, double ForwardP99Ms, double MaxKeyUpdateMs,
    long FreshKeys, long FreshKeyFailures, double MaxFreshKeyStallMs);
