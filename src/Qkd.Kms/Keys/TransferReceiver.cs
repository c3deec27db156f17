using Microsoft.Extensions.Logging;
using Qkd.KeyManagement;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// What linked KMEs send this KME about keys (docs/kms.md "KME-to-KME API"): transfers (keys of a relayed
/// route, stored here as pending keys or relayed one hop further) and key notices (keys a peer served from
/// units leased to it). Every message is validated before any unit is touched.
/// </summary>
public sealed class TransferReceiver(KmsConfig config, IKeyStore store, HopCipher cipher, SaeRoutingTable routes, RelayService relay, KmsMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>A transfer from a linked KME: store the keys here, or relay them one hop further.</summary>
    public async Task<TransferOutcome> ReceiveTransferAsync(string fromKme, KeyTransferDto transfer, CancellationToken ct)
    {
        if (InvalidTransfer(transfer, out var allUnits) is { } invalid)
        {
            return new TransferOutcome.Invalid(invalid);
        }
        if (transfer.DestinationKmeId == config.KmeId)
        {
            if (InvalidSlaves(transfer) is { } foreign)
            {
                return new TransferOutcome.Invalid(foreign);
            }
            var taken = await store.TakeUnitsAsync(fromKme, allUnits, materials => cipher.PendingKeys(fromKme, transfer, allUnits, materials), time.GetUtcNow(), ct);
            if (taken is null)
            {
                return new TransferOutcome.Conflict($"one or more units of the {fromKme} pool are not available here");
            }
            metrics.UnitsConsumed.WithLabels(fromKme, "delivery").Inc(allUnits.Count);
            return new TransferOutcome.Accepted(transfer.Keys.Count);
        }
        var next = routes.NextHop(transfer.DestinationKmeId);
        if (next is null || next == fromKme)
        {
            return new TransferOutcome.Invalid($"no route from {config.KmeId} to {transfer.DestinationKmeId}");
        }
        return await relay.RelayAsync(fromKme, next, transfer, allUnits, ct);
    }

    /// <summary>
    /// Key notices from the peer: each becomes pending keys here, built from the units leased to the
    /// peer, all in one transaction and each all or nothing. A notice seen before (the sender repeats
    /// after a lost answer) is counted as a duplicate; one that names units not leased to the peer is
    /// refused and logged.
    /// </summary>
    public async Task<NoticesReplyDto> ReceiveNoticesAsync(string fromKme, NoticesDto notices, CancellationToken ct)
    {
        int applied = 0, duplicates = 0, refused = 0;
        var valid = new List<(KeyTransferDto Notice, List<UnitRef> Units)>(notices.Notices.Count);
        foreach (var n in notices.Notices)
        {
            List<UnitRef> units = [];
            var error = n?.Keys is null || n.SlaveSaeIds is null || n.MasterSaeId is null || n.DestinationKmeId != config.KmeId || n.Keys.Any(k => k.Otp is not null)
                ? "a notice names this KME as destination, its SAEs and keys, and carries no one-time pad"
                : InvalidTransfer(n, out units) ?? InvalidSlaves(n);
            if (error is not null)
            {
                refused++;
                Log.NoticeRefused(logger, fromKme, error);
                continue;
            }
            valid.Add((n!, units));
        }
        // One transaction for the whole message: at 1,000 req/s a message carries about ten notices.
        var taken = await store.TakeUnitsBatchAsync(fromKme, valid.ConvertAll(v => new UnitTake(v.Units, m => cipher.PendingKeys(fromKme, v.Notice, v.Units, m))),
            UnitState.Leased, time.GetUtcNow(), ct);
        for (var i = 0; i < valid.Count; i++)
        {
            var (n, units) = valid[i];
            if (taken[i])
            {
                applied++;
                metrics.UnitsConsumed.WithLabels(fromKme, "delivery").Inc(units.Count);
            }
            else if (await store.KeyExistsAsync(n.Keys[0].KeyId, ct))
            {
                duplicates++;
            }
            else
            {
                refused++;
                Log.NoticeRefused(logger, fromKme, $"one or more units of the {fromKme} pool are not leased to it here");
            }
        }
        return new NoticesReplyDto(applied, duplicates, refused);
    }

    /// <summary>Why a transfer or notice is malformed (sizes, unit counts, pads, a unit named twice), or null; <paramref name="allUnits"/> lists its units in order.</summary>
    private string? InvalidTransfer(KeyTransferDto transfer, out List<UnitRef> allUnits)
    {
        allUnits = [];
        if (transfer.Keys.Count == 0 || transfer.SlaveSaeIds.Count == 0)
        {
            return "a transfer carries at least one key and one slave SAE";
        }
        foreach (var k in transfer.Keys)
        {
            if (k.SizeBits < 8 || k.SizeBits % 8 != 0 || k.SizeBits > config.Keys.MaxSizeBits || k.Units is null
                || k.Units.Count != KeyUnits.UnitsPerKey(k.SizeBits, config.Keys.UnitBits)
                || (k.Otp is not null && !IsBase64OfLength(k.Otp, k.SizeBits / 8)))
            {
                return $"key {k.KeyId}: size or units or one-time pad do not match unitBits {config.Keys.UnitBits}";
            }
        }
        allUnits = transfer.Keys.SelectMany(k => k.Units).Select(u => new UnitRef(u.BlockId, u.Index)).ToList();
        return allUnits.Distinct().Count() != allUnits.Count ? "a unit is named twice" : null;
    }

    /// <summary>Why the slave SAEs of a transfer that ends here are not acceptable, or null.</summary>
    private string? InvalidSlaves(KeyTransferDto transfer)
        => transfer.SlaveSaeIds.Any(s => !routes.IsLocal(s)) ? $"a slave SAE of this transfer is not attached to {config.KmeId}" : null;

    private static bool IsBase64OfLength(string text, int bytes)
    {
        var buffer = new byte[bytes + 3];
        return Convert.TryFromBase64String(text, buffer, out var n) && n == bytes;
    }
}
