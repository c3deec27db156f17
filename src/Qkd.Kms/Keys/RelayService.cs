using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// Carries keys one hop further, each one-time-pad encrypted with units of the link towards the next KME
/// (docs/kms.md "Relay"): a transfer that passes through this KME on its way to another, and the copies of
/// multicast keys for additional slaves at other KMEs. Reserve the pad units, send, and mark them used only
/// on the next KME's 200; on any doubt they are discarded.
/// </summary>
public sealed class RelayService(KmsConfig config, IKeyStore store, HopCipher cipher, PeerClient peers, SaeRoutingTable routes, KmsMetrics metrics, TimeProvider time, ILogger logger)
{
    private enum Forwarded
    {
        Confirmed,
        NoMaterial,
        NotConfirmed,
    }

    /// <summary>
    /// Sends <paramref name="keys"/> (plain, one per entry of <paramref name="header"/>'s keys) towards
    /// <paramref name="next"/> under a one-time pad of that link. <paramref name="usage"/> labels the consumed
    /// units in the metrics; <paramref name="sendCt"/> may be None where one caller leaving must not strand the peer's answer.
    /// </summary>
    private async Task<(Forwarded Result, string Reason)> ForwardAsync(string next, KeyTransferDto header, List<byte[]> keys, string usage, CancellationToken ct, CancellationToken sendCt)
    {
        var unitsPerKey = header.Keys.Select(k => cipher.UnitsPerKey(k.SizeBits)).ToList();
        var reservation = Guid.NewGuid();
        var units = await store.ReserveUnitsAsync(next, unitsPerKey.Sum(), routes.TakesNewestFrom(next), reservation, time.GetUtcNow(), ct);
        if (units is null)
        {
            return (Forwarded.NoMaterial, "");
        }
        var encrypted = new List<TransferKeyDto>(header.Keys.Count);
        var offset = 0;
        for (var i = 0; i < header.Keys.Count; i++)
        {
            encrypted.Add(cipher.Encrypt(next, header.Keys[i].KeyId, header.Keys[i].SizeBits, keys[i], units, offset, unitsPerKey[i]));
            offset += unitsPerKey[i];
        }
        var (status, reason) = await peers.SendAsync(next, header with { Keys = encrypted }, sendCt);
        var ok = status == TransferStatus.Accepted;
        await store.FinishReservationAsync(reservation, ok, time.GetUtcNow(), CancellationToken.None);
        if (!ok)
        {
            metrics.ReservationsDiscarded.WithLabels(next).Inc(units.Count);
            Log.PeerTransferFailed(logger, next, reason, units.Count);
            return (Forwarded.NotConfirmed, reason);
        }
        metrics.UnitsConsumed.WithLabels(next, usage).Inc(units.Count);
        return (Forwarded.Confirmed, "");
    }

    /// <summary>Sends <paramref name="keys"/> to <paramref name="destination"/> for <paramref name="slave"/>, one-time-pad encrypted with units of the next hop; null when confirmed, else why not.</summary>
    public async Task<string?> SendCopyAsync(IReadOnlyList<DeliveredKey> keys, string masterSae, string slave, string destination, int sizeBits, CancellationToken ct)
    {
        var next = routes.NextHop(destination)!;
        var header = new KeyTransferDto(masterSae, [slave], destination, keys.Select(k => new TransferKeyDto(k.KeyId, sizeBits, [], null)).ToList());
        var (result, reason) = await ForwardAsync(next, header, keys.Select(k => k.Material).ToList(), "delivery", ct, CancellationToken.None);
        return result switch
        {
            Forwarded.NoMaterial => $"not enough key material towards {next}",
            Forwarded.NotConfirmed => $"KME {next} did not confirm ({reason})",
            _ => null,
        };
    }

    /// <summary>A transfer from <paramref name="fromKme"/> that ends beyond this KME: take its inbound units, decrypt, and send it on to <paramref name="next"/>.</summary>
    public async Task<TransferOutcome> RelayAsync(string fromKme, string next, KeyTransferDto transfer, List<UnitRef> allUnits, CancellationToken ct)
    {
        var inbound = await store.TakeUnitsAsync(fromKme, allUnits, _ => [], time.GetUtcNow(), ct);
        if (inbound is null)
        {
            return new TransferOutcome.Conflict($"one or more units of the {fromKme} pool are not available here");
        }
        metrics.UnitsConsumed.WithLabels(fromKme, "relay").Inc(allUnits.Count);
        var relayed = cipher.DecryptHop(fromKme, transfer, allUnits, inbound);
        try
        {
            var (result, reason) = await ForwardAsync(next, transfer, relayed, "relay", ct, ct);
            switch (result)
            {
                case Forwarded.NoMaterial:
                    return new TransferOutcome.Unavailable($"relay {config.KmeId}: not enough key material towards {next}");
                case Forwarded.NotConfirmed:
                    return new TransferOutcome.Unavailable($"relay {config.KmeId}: KME {next} did not confirm ({reason})");
            }
            metrics.KeysRelayed.WithLabels(next).Inc(transfer.Keys.Count);
            Log.Relayed(logger, transfer.Keys.Count, fromKme, next, transfer.DestinationKmeId);
            return new TransferOutcome.Accepted(transfer.Keys.Count);
        }
        finally
        {
            foreach (var k in relayed)
            {
                CryptographicOperations.ZeroMemory(k);
            }
        }
    }
}
