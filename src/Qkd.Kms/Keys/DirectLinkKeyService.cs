using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// Serves masters whose slave sits at a direct peer, from units the peer leased to this KME: one
/// transaction moves them to Delivered and appends the key notice to the outbox; the notice sender then
/// tells the peer. A key is served only from units the peer has durably set aside for this KME, and only
/// while the peer answers, so the slave can always fetch it there (docs/kms.md "Key leases").
/// </summary>
public sealed class DirectLinkKeyService(KmsConfig config, IKeyStore store, HopCipher cipher, KeyLeases leases, KmsMetrics metrics, AuditLog audit, TimeProvider time)
{
    internal async Task<EncOutcome> ServeAsync(EncRequest r, string peer)
    {
        var sender = leases.Notices(peer);
        if (!sender.PeerReachable)
        {
            return new EncOutcome.Unavailable($"KME {peer} is unreachable ({sender.Failure}); no key was served");
        }
        var unitsPerKey = cipher.UnitsPerKey(r.SizeBits);
        var needed = r.Number * unitsPerKey;
        var ids = new Guid[r.Number];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Guid.NewGuid();
        }
        for (var attempt = 0; ; attempt++)
        {
            var units = await store.TakeOwnedAsync(peer, needed, u => Notice(r, peer, ids, unitsPerKey, u), time.GetUtcNow(), CancellationToken.None);
            if (units is not null)
            {
                sender.Signal();
                var keys = new List<DeliveredKey>(r.Number);
                for (var i = 0; i < r.Number; i++)
                {
                    keys.Add(new DeliveredKey(ids[i], cipher.Compose(peer, units, i * unitsPerKey, unitsPerKey, r.SizeBits / 8)));
                }
                metrics.UnitsConsumed.WithLabels(peer, "delivery").Inc(needed);
                metrics.KeysServed.WithLabels("master").Inc(r.Number);
                audit.Delivered("enc_keys", ids, r.MasterSae, r.MasterSae, r.Slaves, peer);
                leases.Consumed(peer, needed);
                return new EncOutcome.Served(keys);
            }
            leases.Exhausted(peer);
            if (attempt == 2)
            {
                return new EncOutcome.Unavailable($"not enough key material towards {peer}: {r.Number} keys of {r.SizeBits} bits need {needed} units of {config.Keys.UnitBits} bits");
            }
            if (await leases.LeaseAsync(peer, needed) is { } failure)
            {
                return new EncOutcome.Unavailable(failure);
            }
        }
    }

    /// <summary>The notice of one served request: key IDs, their units, the SAEs; no key material.</summary>
    private static byte[] Notice(EncRequest r, string peer, Guid[] ids, int unitsPerKey, IReadOnlyList<StoredUnit> units)
    {
        var keys = new List<TransferKeyDto>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            keys.Add(new TransferKeyDto(ids[i], r.SizeBits, HopCipher.UnitDtos(units, i * unitsPerKey, unitsPerKey), null));
        }
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new KeyTransferDto(r.MasterSae, r.Slaves, peer, keys), PeerJson.Default.KeyTransferDto);
    }
}
