using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// Serves slaves (<c>dec_keys</c>) from the pending keys of this KME: all keys or none, only to a named
/// slave, each at most once. A miss on keys whose master sits at a direct peer pulls that peer's notices
/// first (<see cref="MissPull"/>), since the peer may have served them a moment ago.
/// </summary>
public sealed class SlaveKeyService(KmsConfig config, IKeyStore store, KeyWrapper wrapper, PeerClient peers, SaeRoutingTable routes, KmsMetrics metrics, AuditLog audit, TimeProvider time)
{
    private readonly Dictionary<string, MissPull> _pulls = config.Peers.ToDictionary(
        p => p.KmeId, p => new MissPull(async ct => (await peers.RequestFlushAsync(p.KmeId, ct)).Status == TransferStatus.Accepted, time, metrics.PeerPulls.WithLabels(p.KmeId)), StringComparer.Ordinal);

    /// <summary><c>dec_keys</c>: all keys or none, only to a named slave, each at most once.</summary>
    public async Task<DecOutcome> GetKeysWithIdsAsync(string callerSae, string masterSae, IReadOnlyList<Guid> keyIds, CancellationToken ct)
    {
        var result = await store.TakeKeysAsync(keyIds, masterSae, callerSae, time.GetUtcNow(), ct);
        if (result is TakeKeysResult.NotFound && routes.KmeOfSae(masterSae) is { } masterKme && _pulls.TryGetValue(masterKme, out var pull))
        {
            // The master's KME may have served these keys a moment ago and its notice be on the way: ask for it, then look again.
            // Concurrent misses share one pull, and pulls are at most one per MissPull.MinInterval per peer, so a burst of
            // unknown key IDs costs the peer a handful of calls and this KME no waiting beyond one round trip.
            if (await pull.PullAsync(ct))
            {
                result = await store.TakeKeysAsync(keyIds, masterSae, callerSae, time.GetUtcNow(), ct);
            }
        }
        switch (result)
        {
            case TakeKeysResult.NotFound nf:
                return new DecOutcome.NotFound(nf.Missing);
            case TakeKeysResult.NotAuthorized na:
                return new DecOutcome.NotAuthorized(na.Refused);
            case TakeKeysResult.Taken taken:
                var keys = taken.Keys.Select(k => new DeliveredKey(k.KeyId, wrapper.Unwrap(k.Material, KeyWrapper.KeyIdentity(k.KeyId)))).ToList();
                metrics.KeysServed.WithLabels("slave").Inc(keys.Count);
                audit.Delivered("dec_keys", keyIds, callerSae, masterSae, taken.Keys[0].SlaveSaes, "local");
                return new DecOutcome.Served(keys);
            default:
                throw new InvalidOperationException("unknown store result");
        }
    }
}
