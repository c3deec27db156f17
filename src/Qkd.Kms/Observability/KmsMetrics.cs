using Prometheus;

namespace Qkd.Kms.Observability;

/// <summary>
/// Prometheus metrics of one KME in its own registry (several KMEs can share a process in tests and
/// `kms dev`). Counts and IDs only, never key material.
/// </summary>
public sealed class KmsMetrics
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter UnitsStored { get; }
    public Counter KeysServed { get; }
    public Counter KeysExpired { get; }
    public Counter KeysRelayed { get; }
    public Counter UnitsConsumed { get; }
    public Counter ReservationsDiscarded { get; }
    public Gauge PoolUnits { get; }
    public Histogram RequestDuration { get; }
    public Histogram GroupRequests { get; }
    public Gauge GcPauseSeconds { get; }
    public Gauge GcCollections { get; }
    public Gauge AllocatedBytes { get; }
    public Gauge CpuSeconds { get; }
    public Counter UnitsLeased { get; }
    public Counter NoticesSent { get; }
    public Counter PeerPulls { get; }
    public Counter NoticesRefused { get; }

    public KmsMetrics(string kmeId)
    {
        var f = Metrics.WithCustomRegistry(Registry).WithLabels(new Dictionary<string, string> { ["kme"] = kmeId });
        UnitsStored = f.CreateCounter("qkd_kms_units_stored_total", "Key units stored from QKD link blocks, per link pool.", ["peer"]);
        KeysServed = f.CreateCounter("qkd_kms_keys_served_total", "Keys delivered to SAEs; role master (enc_keys) or slave (dec_keys).", ["role"]);
        KeysExpired = f.CreateCounter("qkd_kms_keys_expired_total", "Pending keys and unused units expired by age; kind key or unit.", ["kind"]);
        KeysRelayed = f.CreateCounter("qkd_kms_keys_relayed_total", "Keys forwarded by this KME as a trusted relay, per outgoing hop.", ["next_hop"]);
        UnitsConsumed = f.CreateCounter("qkd_kms_units_consumed_total", "Link key units consumed, per link pool and purpose (delivery, relay).", ["peer", "purpose"]);
        ReservationsDiscarded = f.CreateCounter("qkd_kms_units_discarded_total", "Reserved units discarded because the peer did not confirm, per link pool.", ["peer"]);
        PoolUnits = f.CreateGauge("qkd_kms_pool_units", "Key units this KME can serve its masters per link pool (available plus leased to it), refreshed at scrape.", ["peer"]);
        RequestDuration = f.CreateHistogram("qkd_kms_request_duration_seconds", "Request latency per route.", new HistogramConfiguration
        {
            LabelNames = ["route", "code"],
            // Factor 1.25 from 0.2 ms to about 1.2 s: fine enough for `kms load` to read a p99 near 5 ms within 25 %.
            Buckets = Histogram.ExponentialBuckets(0.0002, 1.25, 40),
        });
        GcPauseSeconds = f.CreateGauge("qkd_kms_process_gc_pause_seconds", "Total time the .NET runtime paused this process for garbage collection since start (all KMEs of the process).");
        GcCollections = f.CreateGauge("qkd_kms_process_gc_collections", "Garbage collections of this process since start, per generation.", ["generation"]);
        AllocatedBytes = f.CreateGauge("qkd_kms_process_allocated_bytes", "Bytes the process allocated on the managed heap since start (all KMEs of the process).");
        CpuSeconds = f.CreateGauge("qkd_kms_process_cpu_seconds", "CPU time (user and system) of the process since start (all KMEs of the process).");
        UnitsLeased = f.CreateCounter("qkd_kms_units_leased_total", "Link key units leased, per link pool; role owned (leased from the peer for this KME's masters) or granted (leased to the peer).", ["peer", "role"]);
        NoticesSent = f.CreateCounter("qkd_kms_notices_sent_total", "Key notices delivered to the peer KME from the outbox, per peer.", ["peer"]);
        PeerPulls = f.CreateCounter("qkd_kms_peer_pulls_total", "Pulls of key notices from the master's KME after dec_keys named an unknown key (shared between concurrent misses, rate-limited), per peer.", ["peer"]);
        NoticesRefused = f.CreateCounter("qkd_kms_notices_refused_total", "Key notices the peer KME refused (kept in the store for the operator, keys of them are never served), per peer.", ["peer"]);
        GroupRequests = f.CreateHistogram("qkd_kms_enc_group_requests", "enc_keys requests served together (group commit): on relayed routes by one reservation and one KME-to-KME transfer, on direct links by one transaction and one key notice; per next hop.", new HistogramConfiguration
        {
            LabelNames = ["next_hop"],
            Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256],
        });
    }
}
