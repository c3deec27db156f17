using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Qkd.KeyManagement;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms;

/// <summary>
/// What a KME does with keys (docs/kms.md): serve masters from a link pool after the next KME on the
/// route confirmed the reservation, serve slaves all-or-nothing from pending keys, receive transfers
/// and relay them hop by hop with one-time-pad encryption. Endpoints call this; this calls the store.
/// </summary>
public sealed class KeyService(KmsConfig config, IKeyStore store, KeyWrapper wrapper, PeerClient peers, KmsMetrics metrics, AuditLog audit, TimeProvider time, ILogger<KeyService> logger)
{
    private readonly int _unitBytes = config.Keys.UnitBits / 8;

    public KmsConfig Config => config;

    /// <summary>The local SAE whose certificate CN is <paramref name="cn"/>, or null.</summary>
    public string? LocalSaeByCn(string cn) => config.Saes.FirstOrDefault(s => s.Cn == cn)?.Id;

    /// <summary>The KME an SAE is attached to (this one, a peer, or a routed KME), or null when unknown.</summary>
    public string? KmeOfSae(string sae)
    {
        if (config.Saes.Any(s => s.Id == sae))
        {
            return config.KmeId;
        }
        return config.Peers.FirstOrDefault(p => p.Saes.Contains(sae))?.KmeId ?? config.Routes.FirstOrDefault(r => r.Saes.Contains(sae))?.KmeId;
    }

    /// <summary>The direct peer through which <paramref name="kme"/> is reached, or null.</summary>
    public string? NextHop(string kme)
        => config.Peers.Any(p => p.KmeId == kme) ? kme : config.Routes.FirstOrDefault(r => r.KmeId == kme)?.Via;

    /// <summary>
    /// Direction rule that keeps both KMEs of a link from reserving the same units when each serves
    /// masters: the KME with the smaller ID takes the oldest units, the other the newest. A collision
    /// near an empty pool is still caught by the peer's check (409) and costs only those units.
    /// </summary>
    public bool TakesNewestFrom(string peer) => string.CompareOrdinal(config.KmeId, peer) > 0;

    public Task<long> AvailableUnitsAsync(string peer, CancellationToken ct) => store.AvailableUnitsAsync(peer, ct);

    /// <summary>Keys of <paramref name="sizeBits"/> the pool towards <paramref name="peer"/> can serve now.</summary>
    public async Task<long> StoredKeyCountAsync(string peer, int sizeBits, CancellationToken ct)
        => KeyUnits.KeysAvailable(await store.AvailableUnitsAsync(peer, ct), sizeBits, config.Keys.UnitBits);

    /// <summary><c>enc_keys</c>: reserve, tell the next KME, then hand out (or discard on any doubt).</summary>
    public async Task<EncOutcome> GetKeysAsync(string masterSae, string slaveSae, int number, int sizeBits, CancellationToken ct)
    {
        var destination = KmeOfSae(slaveSae) ?? throw new InvalidOperationException("slave SAE was validated by the endpoint");
        var next = NextHop(destination)!;
        var unitsPerKey = KeyUnits.UnitsPerKey(sizeBits, config.Keys.UnitBits);
        var reservation = Guid.NewGuid();
        var units = await store.ReserveUnitsAsync(next, number * unitsPerKey, TakesNewestFrom(next), reservation, time.GetUtcNow(), ct);
        if (units is null)
        {
            return new EncOutcome.Unavailable($"not enough key material towards {next}: {number} keys of {sizeBits} bits need {number * unitsPerKey} units of {config.Keys.UnitBits} bits");
        }
        var keys = new List<DeliveredKey>(number);
        var transfer = new List<TransferKeyDto>(number);
        for (var i = 0; i < number; i++)
        {
            var slice = units.Skip(i * unitsPerKey).Take(unitsPerKey).ToList();
            var id = Guid.NewGuid();
            keys.Add(new DeliveredKey(id, Compose(next, slice.Select(u => (u.Ref, u.Material)).ToList(), sizeBits / 8)));
            transfer.Add(new TransferKeyDto(id, sizeBits, slice.Select(u => new UnitDto(u.Ref.BlockId, u.Ref.Index)).ToList(), null));
        }
        var (status, reason) = await peers.SendAsync(next, new KeyTransferDto(masterSae, [slaveSae], destination, transfer), ct);
        var delivered = status == TransferStatus.Accepted;
        await store.FinishReservationAsync(reservation, delivered, time.GetUtcNow(), CancellationToken.None);
        if (!delivered)
        {
            foreach (var k in keys)
            {
                CryptographicOperations.ZeroMemory(k.Material);
            }
            metrics.ReservationsDiscarded.WithLabels(next).Inc(units.Count);
            Log.PeerTransferFailed(logger, next, reason, units.Count);
            return new EncOutcome.Unavailable($"KME {next} did not confirm the key reservation ({reason}); no key was served");
        }
        metrics.KeysServed.WithLabels("master").Inc(number);
        metrics.UnitsConsumed.WithLabels(next, "delivery").Inc(units.Count);
        audit.Delivered("enc_keys", keys.Select(k => k.KeyId).ToList(), masterSae, masterSae, [slaveSae], destination == next ? next : $"{next}->{destination}");
        return new EncOutcome.Served(keys);
    }

    /// <summary><c>dec_keys</c>: all keys or none, only to a named slave, each at most once.</summary>
    public async Task<DecOutcome> GetKeysWithIdsAsync(string callerSae, string masterSae, IReadOnlyList<Guid> keyIds, CancellationToken ct)
    {
        var result = await store.TakeKeysAsync(keyIds, masterSae, callerSae, time.GetUtcNow(), ct);
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

    /// <summary>A transfer from a linked KME: store the keys here, or relay them one hop further.</summary>
    public async Task<TransferOutcome> ReceiveTransferAsync(string fromKme, KeyTransferDto transfer, CancellationToken ct)
    {
        if (transfer.Keys.Count == 0 || transfer.SlaveSaeIds.Count == 0)
        {
            return new TransferOutcome.Invalid("a transfer carries at least one key and one slave SAE");
        }
        foreach (var k in transfer.Keys)
        {
            if (k.SizeBits < 8 || k.SizeBits % 8 != 0 || k.SizeBits > config.Keys.MaxSizeBits
                || k.Units.Count != KeyUnits.UnitsPerKey(k.SizeBits, config.Keys.UnitBits)
                || (k.Otp is not null && !IsBase64OfLength(k.Otp, k.SizeBits / 8)))
            {
                return new TransferOutcome.Invalid($"key {k.KeyId}: size or units or one-time pad do not match unitBits {config.Keys.UnitBits}");
            }
        }
        var allUnits = transfer.Keys.SelectMany(k => k.Units).Select(u => new UnitRef(u.BlockId, u.Index)).ToList();
        if (allUnits.Distinct().Count() != allUnits.Count)
        {
            return new TransferOutcome.Invalid("a unit is named twice");
        }
        if (transfer.DestinationKmeId == config.KmeId)
        {
            if (transfer.SlaveSaeIds.Any(s => !config.Saes.Any(l => l.Id == s)))
            {
                return new TransferOutcome.Invalid($"a slave SAE of this transfer is not attached to {config.KmeId}");
            }
            var taken = await store.TakeUnitsAsync(fromKme, allUnits, materials => BuildPendingKeys(fromKme, transfer, allUnits, materials), time.GetUtcNow(), ct);
            if (taken is null)
            {
                return new TransferOutcome.Conflict($"one or more units of the {fromKme} pool are not available here");
            }
            metrics.UnitsConsumed.WithLabels(fromKme, "delivery").Inc(allUnits.Count);
            return new TransferOutcome.Accepted(transfer.Keys.Count);
        }
        var next = NextHop(transfer.DestinationKmeId);
        if (next is null || next == fromKme)
        {
            return new TransferOutcome.Invalid($"no route from {config.KmeId} to {transfer.DestinationKmeId}");
        }
        return await RelayAsync(fromKme, next, transfer, allUnits, ct);
    }

    private async Task<TransferOutcome> RelayAsync(string fromKme, string next, KeyTransferDto transfer, List<UnitRef> allUnits, CancellationToken ct)
    {
        var inbound = await store.TakeUnitsAsync(fromKme, allUnits, _ => [], time.GetUtcNow(), ct);
        if (inbound is null)
        {
            return new TransferOutcome.Conflict($"one or more units of the {fromKme} pool are not available here");
        }
        metrics.UnitsConsumed.WithLabels(fromKme, "relay").Inc(allUnits.Count);
        var relayed = DecryptHop(fromKme, transfer, allUnits, inbound);
        try
        {
            var outUnitsPerKey = transfer.Keys.Select(k => KeyUnits.UnitsPerKey(k.SizeBits, config.Keys.UnitBits)).ToList();
            var reservation = Guid.NewGuid();
            var outUnits = await store.ReserveUnitsAsync(next, outUnitsPerKey.Sum(), TakesNewestFrom(next), reservation, time.GetUtcNow(), ct);
            if (outUnits is null)
            {
                return new TransferOutcome.Unavailable($"relay {config.KmeId}: not enough key material towards {next}");
            }
            var keys = new List<TransferKeyDto>(transfer.Keys.Count);
            var offset = 0;
            for (var i = 0; i < transfer.Keys.Count; i++)
            {
                var slice = outUnits.Skip(offset).Take(outUnitsPerKey[i]).ToList();
                offset += outUnitsPerKey[i];
                var hopKey = Compose(next, slice.Select(u => (u.Ref, u.Material)).ToList(), transfer.Keys[i].SizeBits / 8);
                var cipher = new byte[hopKey.Length];
                OneTimePad.Xor(relayed[i], hopKey, cipher);
                CryptographicOperations.ZeroMemory(hopKey);
                keys.Add(new TransferKeyDto(transfer.Keys[i].KeyId, transfer.Keys[i].SizeBits, slice.Select(u => new UnitDto(u.Ref.BlockId, u.Ref.Index)).ToList(), Convert.ToBase64String(cipher)));
            }
            var (status, reason) = await peers.SendAsync(next, transfer with { Keys = keys }, ct);
            var ok = status == TransferStatus.Accepted;
            await store.FinishReservationAsync(reservation, ok, time.GetUtcNow(), CancellationToken.None);
            if (!ok)
            {
                metrics.ReservationsDiscarded.WithLabels(next).Inc(outUnits.Count);
                Log.PeerTransferFailed(logger, next, reason, outUnits.Count);
                return new TransferOutcome.Unavailable($"relay {config.KmeId}: KME {next} did not confirm ({reason})");
            }
            metrics.UnitsConsumed.WithLabels(next, "relay").Inc(outUnits.Count);
            metrics.KeysRelayed.WithLabels(next).Inc(keys.Count);
            Log.Relayed(logger, keys.Count, fromKme, next, transfer.DestinationKmeId);
            return new TransferOutcome.Accepted(keys.Count);
        }
        finally
        {
            foreach (var k in relayed)
            {
                CryptographicOperations.ZeroMemory(k);
            }
        }
    }

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

    private List<PendingKey> BuildPendingKeys(string fromKme, KeyTransferDto transfer, List<UnitRef> allUnits, IReadOnlyList<byte[]> materials)
    {
        var plain = DecryptHop(fromKme, transfer, allUnits, materials);
        var pending = new List<PendingKey>(plain.Count);
        for (var i = 0; i < plain.Count; i++)
        {
            var k = transfer.Keys[i];
            pending.Add(new PendingKey(k.KeyId, transfer.MasterSaeId, transfer.SlaveSaeIds, k.SizeBits, wrapper.Wrap(plain[i], KeyWrapper.KeyIdentity(k.KeyId))));
            CryptographicOperations.ZeroMemory(plain[i]);
        }
        return pending;
    }

    /// <summary>Per key: hop key from the units, XOR the one-time pad when the hop was relayed.</summary>
    private List<byte[]> DecryptHop(string fromKme, KeyTransferDto transfer, List<UnitRef> allUnits, IReadOnlyList<byte[]> materials)
    {
        var result = new List<byte[]>(transfer.Keys.Count);
        var offset = 0;
        foreach (var k in transfer.Keys)
        {
            var parts = new List<(UnitRef, byte[])>(k.Units.Count);
            for (var j = 0; j < k.Units.Count; j++)
            {
                parts.Add((allUnits[offset + j], materials[offset + j]));
            }
            offset += k.Units.Count;
            var hop = Compose(fromKme, parts, k.SizeBits / 8);
            if (k.Otp is not null)
            {
                var cipher = Convert.FromBase64String(k.Otp);
                OneTimePad.Xor(cipher, hop, hop);
            }
            result.Add(hop);
        }
        return result;
    }

    /// <summary>Concatenates the units' plain material and keeps the first <paramref name="sizeBytes"/> bytes.</summary>
    private byte[] Compose(string peer, IReadOnlyList<(UnitRef Ref, byte[] Material)> units, int sizeBytes)
    {
        var key = new byte[sizeBytes];
        var written = 0;
        foreach (var (unit, material) in units)
        {
            var plain = wrapper.Unwrap(material, KeyWrapper.UnitIdentity(peer, unit));
            var n = Math.Min(plain.Length, sizeBytes - written);
            plain.AsSpan(0, n).CopyTo(key.AsSpan(written));
            written += n;
            if (wrapper.Enabled)
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }
        return key;
    }

    private static bool IsBase64OfLength(string text, int bytes)
    {
        var buffer = new byte[bytes + 3];
        return Convert.TryFromBase64String(text, buffer, out var n) && n == bytes;
    }
}
