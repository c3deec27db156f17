using Microsoft.Extensions.Logging;
using Qkd.KeyManagement;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// The link pools of this KME: key blocks from the QKD link devices come in cut into wrapped units, what a
/// pool can serve is counted, and old units, keys and left-over reservations are expired.
/// </summary>
public sealed class LinkPoolService(KmsConfig config, IKeyStore store, KeyWrapper wrapper, KmsMetrics metrics, TimeProvider time, ILogger logger)
{
    private readonly int _unitBytes = config.Keys.UnitBits / 8;

    /// <summary>Units this KME can serve its masters towards <paramref name="peer"/>: available in the pool plus leased to it.</summary>
    public async Task<long> ServableUnitsAsync(string peer, CancellationToken ct)
        => await store.AvailableUnitsAsync(peer, ct) + await store.OwnedUnitsAsync(peer, ct);

    /// <summary>Keys of <paramref name="sizeBits"/> the pool towards <paramref name="peer"/> can serve now.</summary>
    public async Task<long> StoredKeyCountAsync(string peer, int sizeBits, CancellationToken ct)
        => KeyUnits.KeysAvailable(await ServableUnitsAsync(peer, ct), sizeBits, config.Keys.UnitBits);

    /// <summary>Stores a key block from the link towards <paramref name="peer"/>, cut into units and wrapped.</summary>
    public async Task<(AddBlockResult Result, int Units)> AcceptBlockAsync(string peer, Guid blockId, byte[] key, CancellationToken ct)
    {
        var count = KeyUnits.UnitsInBlock(key.Length, config.Keys.UnitBits);
        var wrapped = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            wrapped.Add(wrapper.Wrap(key.AsSpan(i * _unitBytes, _unitBytes), KeyWrapper.UnitIdentity(peer, new UnitRef(blockId, i))));
        }
        var result = await store.AddBlockAsync(peer, blockId, wrapped, config.Keys.MaxPoolUnits, time.GetUtcNow(), ct);
        if (result == AddBlockResult.Added)
        {
            metrics.UnitsStored.WithLabels(peer).Inc(count);
        }
        Log.BlockStored(logger, blockId, peer, count, result.ToString());
        return (result, result == AddBlockResult.Added ? count : 0);
    }

    /// <summary>Expires old units and keys and discards reservations a crash or a lost peer left behind.</summary>
    public async Task<ExpiryResult> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var r = await store.ExpireAsync(now.AddSeconds(-config.Keys.MaxAgeSeconds), now.AddSeconds(-config.Keys.ReservationTimeoutSeconds), ct);
        metrics.KeysExpired.WithLabels("unit").Inc(r.UnitsExpired);
        metrics.KeysExpired.WithLabels("key").Inc(r.KeysExpired);
        if (r.UnitsExpired + r.KeysExpired + r.ReservationsDiscarded > 0)
        {
            Log.Expired(logger, r.UnitsExpired, r.KeysExpired, r.ReservationsDiscarded);
        }
        return r;
    }
}
