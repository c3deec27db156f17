using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// Serves masters whose slave sits beyond the next KME (a relayed route): reserve units of the first hop,
/// tell the next KME, then hand the keys out (or discard them on any doubt). Concurrent requests of one
/// (master, slave) pair are coalesced by an <see cref="EncBatcher"/> (group commit, docs/kms.md "Group
/// commit"): one reservation transaction, one KME-to-KME call and one finishing transaction serve the
/// whole group, with the same guarantees as one request.
/// </summary>
public sealed class RelayedRouteKeyService(KmsConfig config, IKeyStore store, HopCipher cipher, PeerClient peers, SaeRoutingTable routes, KmsMetrics metrics, AuditLog audit, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<(string Master, string Slave), EncBatcher> _batchers = new();

    /// <summary>Queues <paramref name="request"/> with the others of its SAE pair; served with the next group.</summary>
    internal Task<EncOutcome> SubmitAsync(EncRequest request, string next, string destination, CancellationToken ct)
    {
        var batcher = _batchers.GetOrAdd((request.MasterSae, request.Slaves[0]), static (_, s) => new EncBatcher(s.ServeGroupAsync), this);
        return batcher.SubmitAsync(request, next, destination, ct);
    }

    /// <summary>Serves one request alone, without queueing (the primary keys of a multicast request).</summary>
    internal async Task<EncOutcome> ServeOneAsync(EncRequest request, string next, string destination)
        => (await ServeAsync([request], next, destination))![0];

    /// <summary>
    /// Serves a group of requests of one SAE pair: one reservation of all their units, one transfer, one
    /// finishing transaction. If the pool cannot cover the whole group, each request is served alone
    /// (so a short pool answers exactly as it would without grouping).
    /// </summary>
    private async Task<IReadOnlyList<EncOutcome>> ServeGroupAsync(IReadOnlyList<EncRequest> group, string next, string destination)
    {
        if (group.Count > 1)
        {
            var grouped = await ServeAsync(group, next, destination);
            if (grouped is not null)
            {
                return grouped;
            }
        }
        var outcomes = new List<EncOutcome>(group.Count);
        foreach (var r in group)
        {
            outcomes.Add(await ServeOneAsync(r, next, destination));
        }
        return outcomes;
    }

    /// <summary>
    /// Reserve the units of every request in one transaction, send one transfer, mark delivered only on
    /// the peer's 200. Returns null (nothing reserved) when the pool is too short for a group of several.
    /// </summary>
    private async Task<IReadOnlyList<EncOutcome>?> ServeAsync(IReadOnlyList<EncRequest> group, string next, string destination)
    {
        var ct = CancellationToken.None; // a group serves several callers: one caller leaving must not abort the others
        var unitsPerKey = group.Select(r => cipher.UnitsPerKey(r.SizeBits)).ToList();
        var needed = 0;
        for (var j = 0; j < group.Count; j++)
        {
            needed += group[j].Number * unitsPerKey[j];
        }
        var reservation = Guid.NewGuid();
        var units = await store.ReserveUnitsAsync(next, needed, routes.TakesNewestFrom(next), reservation, time.GetUtcNow(), ct);
        if (units is null)
        {
            if (group.Count > 1)
            {
                return null;
            }
            var r = group[0];
            return [new EncOutcome.Unavailable($"not enough key material towards {next}: {r.Number} keys of {r.SizeBits} bits need {needed} units of {config.Keys.UnitBits} bits")];
        }
        var (keysPerRequest, transfer) = CutKeys(group, unitsPerKey, units, next);
        var (status, reason) = await peers.SendAsync(next, new KeyTransferDto(group[0].MasterSae, group[0].Slaves, destination, transfer), ct);
        var delivered = status == TransferStatus.Accepted;
        await store.FinishReservationAsync(reservation, delivered, time.GetUtcNow(), ct);
        metrics.GroupRequests.WithLabels(next).Observe(group.Count);
        if (!delivered)
        {
            return Discard(group, keysPerRequest, next, reason, units.Count);
        }
        metrics.UnitsConsumed.WithLabels(next, "delivery").Inc(units.Count);
        var outcomes = new List<EncOutcome>(group.Count);
        for (var j = 0; j < group.Count; j++)
        {
            var r = group[j];
            metrics.KeysServed.WithLabels("master").Inc(r.Number);
            audit.Delivered("enc_keys", keysPerRequest[j].ConvertAll(k => k.KeyId), r.MasterSae, r.MasterSae, r.Slaves, destination == next ? next : $"{next}->{destination}");
            outcomes.Add(new EncOutcome.Served(keysPerRequest[j]));
        }
        return outcomes;
    }

    /// <summary>The keys of each request, in order, from the reserved units, and the transfer records that name their units.</summary>
    private (List<List<DeliveredKey>> KeysPerRequest, List<TransferKeyDto> Transfer) CutKeys(IReadOnlyList<EncRequest> group, List<int> unitsPerKey, IReadOnlyList<StoredUnit> units, string next)
    {
        var keysPerRequest = new List<List<DeliveredKey>>(group.Count);
        var transfer = new List<TransferKeyDto>();
        var offset = 0;
        for (var j = 0; j < group.Count; j++)
        {
            var r = group[j];
            var keys = new List<DeliveredKey>(r.Number);
            for (var i = 0; i < r.Number; i++)
            {
                var id = Guid.NewGuid();
                keys.Add(new DeliveredKey(id, cipher.Compose(next, units, offset, unitsPerKey[j], r.SizeBits / 8)));
                transfer.Add(new TransferKeyDto(id, r.SizeBits, HopCipher.UnitDtos(units, offset, unitsPerKey[j]), null));
                offset += unitsPerKey[j];
            }
            keysPerRequest.Add(keys);
        }
        return (keysPerRequest, transfer);
    }

    /// <summary>The next KME did not confirm: wipe the keys, count the discarded units, answer every request of the group.</summary>
    private List<EncOutcome> Discard(IReadOnlyList<EncRequest> group, List<List<DeliveredKey>> keysPerRequest, string next, string reason, int units)
    {
        foreach (var k in keysPerRequest.SelectMany(k => k))
        {
            CryptographicOperations.ZeroMemory(k.Material);
        }
        metrics.ReservationsDiscarded.WithLabels(next).Inc(units);
        Log.PeerTransferFailed(logger, next, reason, units);
        var outcomes = new List<EncOutcome>(group.Count);
        foreach (var _ in group)
        {
            outcomes.Add(new EncOutcome.Unavailable($"KME {next} did not confirm the key reservation ({reason}); no key was served"));
        }
        return outcomes;
    }

    /// <summary>Stops the group workers once the queued requests are served (the host stopped taking requests).</summary>
    public void Dispose()
    {
        foreach (var b in _batchers.Values)
        {
            b.Complete();
        }
    }
}
