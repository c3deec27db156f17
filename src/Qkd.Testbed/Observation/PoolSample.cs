namespace Qkd.Testbed.Observation;

/// <summary>Key pool level at one KME for one peer, as its ETSI 014 status reports it.</summary>
/// <param name="RunSeconds">Wall-clock time since the run started [s].</param>
/// <param name="Kme">The KME asked (e.g. KME_A).</param>
/// <param name="StoredKeys">stored_key_count: AES-256 keys ready for the SAE pair.</param>
public sealed record PoolSample(double RunSeconds, string Kme, long StoredKeys);
