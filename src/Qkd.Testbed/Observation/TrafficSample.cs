namespace Qkd.Testbed.Observation;

/// <summary>The gateways' counters at one moment (one scheme's senders and the edge receiver), cumulative.</summary>
/// <param name="RunSeconds">Wall-clock time since the run started [s].</param>
/// <param name="Sealed">Messages sealed and published by the senders.</param>
/// <param name="Opened">Messages the edge receiver decrypted.</param>
/// <param name="Stored">Messages stored at the edge.</param>
/// <param name="Held">Messages the senders hold for want of key right now.</param>
/// <param name="Dropped">Messages the senders dropped (queue full while waiting for key): counted, never sent in clear.</param>
/// <param name="Rejected">Messages the receiver refused (forged, replayed, key unavailable).</param>
/// <param name="KeyRefusals">Key requests the KME refused (pool empty).</param>
/// <param name="KeyBitsConsumed">Key bits the senders installed.</param>
/// <param name="BytesOnWire">Sealed bytes published.</param>
/// <param name="LatencyP50Ms">Median sample-to-store latency so far [ms].</param>
/// <param name="LatencyP99Ms">99th percentile of it [ms].</param>
public sealed record TrafficSample(double RunSeconds, long Sealed, long Opened, long Stored, long Held, long Dropped, long Rejected,
    long KeyRefusals, long KeyBitsConsumed, long BytesOnWire, double LatencyP50Ms, double LatencyP99Ms);
