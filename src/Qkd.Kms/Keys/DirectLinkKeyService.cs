using System.Collections.Concurrent;
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
/// Requests of one (master, slave) pair that arrive while an earlier one holds the pair's turn are served
/// together by the next holder in one transaction and one notice (group commit, docs/kms.md "Group commit"):
/// after a stall of the store (a lease, a WAL restart, a pause), the queue drains in one transaction instead of
/// one per request. A lone request is a group of one and does not wait.
/// </summary>
public sealed class DirectLinkKeyService(KmsConfig config, IKeyStore store, HopCipher cipher, KeyLeases leases, KmsMetrics metrics, AuditLog audit, TimeProvider time)
{
    private sealed record Pending(EncRequest Request, TaskCompletionSource<EncOutcome> Done);

    /// <summary>The requests of one SAE pair towards one peer waiting for their turn, and the turn itself.</summary>
    private sealed class PairQueue
    {
        public ConcurrentQueue<Pending> Waiting { get; } = new();
        public SemaphoreSlim Turn { get; } = new(1, 1);
    }

    private readonly ConcurrentDictionary<(string Peer, string Master, string Slave), PairQueue> _queues = new();

    internal async Task<EncOutcome> ServeAsync(EncRequest r, string peer)
    {
        var queue = _queues.GetOrAdd((peer, r.MasterSae, r.Slaves[0]), static _ => new PairQueue());
        var me = new Pending(r, new TaskCompletionSource<EncOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        queue.Waiting.Enqueue(me);
        await queue.Turn.WaitAsync();
        try
        {
            // The holder of the turn serves everything queued (bounded per group); a request an earlier holder
            // served finds its outcome set and only hands the turn on.
            while (!me.Done.Task.IsCompleted)
            {
                var group = Take(queue.Waiting);
                try
                {
                    var outcomes = await ServeGroupAsync(group, peer);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(outcomes[i]);
                    }
                }
                catch (Exception e)
                {
                    foreach (var p in group)
                    {
                        p.Done.TrySetException(e);
                    }
                }
            }
        }
        finally
        {
            queue.Turn.Release();
        }
        return await me.Done.Task;
    }

    /// <summary>The queued requests in order, up to <see cref="EncBatcher.MaxKeysPerGroup"/> keys (at least one request).</summary>
    private static List<Pending> Take(ConcurrentQueue<Pending> waiting)
    {
        var group = new List<Pending>();
        var keys = 0;
        while (waiting.TryPeek(out var head) && (group.Count == 0 || keys + head.Request.Number <= EncBatcher.MaxKeysPerGroup) && waiting.TryDequeue(out var item))
        {
            // Only the turn's holder dequeues, so the item taken is the one peeked.
            group.Add(item);
            keys += item.Request.Number;
        }
        return group;
    }

    /// <summary>
    /// A group of several in one transaction when the owned units cover all of it; otherwise (and for a group
    /// of one) each request alone, leasing as needed, so a short pool answers exactly as without grouping.
    /// </summary>
    private async Task<IReadOnlyList<EncOutcome>> ServeGroupAsync(List<Pending> group, string peer)
    {
        if (group.Count > 1 && await TryServeTogetherAsync(group.ConvertAll(p => p.Request), peer) is { } together)
        {
            return together;
        }
        var outcomes = new EncOutcome[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            outcomes[i] = await ServeOneAsync(group[i].Request, peer);
        }
        return outcomes;
    }

    /// <summary>One request: its units and its notice in one transaction, leasing when the owned units run short.</summary>
    private async Task<EncOutcome> ServeOneAsync(EncRequest r, string peer)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await TryServeTogetherAsync([r], peer) is { } served)
            {
                return served[0];
            }
            leases.Exhausted(peer);
            if (attempt == 2)
            {
                var needed = r.Number * cipher.UnitsPerKey(r.SizeBits);
                return new EncOutcome.Unavailable($"not enough key material towards {peer}: {r.Number} keys of {r.SizeBits} bits need {needed} units of {config.Keys.UnitBits} bits");
            }
            if (await leases.LeaseAsync(peer, r.Number * cipher.UnitsPerKey(r.SizeBits)) is { } failure)
            {
                return new EncOutcome.Unavailable(failure);
            }
        }
    }

    /// <summary>
    /// Takes the owned units of every request of <paramref name="group"/> (one SAE pair) and appends one notice
    /// for all their keys, in one transaction; null when the owned units do not cover the group (nothing taken).
    /// </summary>
    private async Task<IReadOnlyList<EncOutcome>?> TryServeTogetherAsync(List<EncRequest> group, string peer)
    {
        var sender = leases.Notices(peer);
        if (!sender.PeerReachable)
        {
            return group.Count > 1 ? null : [new EncOutcome.Unavailable($"KME {peer} is unreachable ({sender.Failure}); no key was served")];
        }
        var ids = new Guid[group.Count][];
        var needed = 0;
        for (var j = 0; j < group.Count; j++)
        {
            ids[j] = new Guid[group[j].Number];
            for (var i = 0; i < ids[j].Length; i++)
            {
                ids[j][i] = Guid.NewGuid();
            }
            needed += group[j].Number * cipher.UnitsPerKey(group[j].SizeBits);
        }
        var units = await store.TakeOwnedAsync(peer, needed, u => Notice(group, peer, ids, u), time.GetUtcNow(), CancellationToken.None);
        if (units is null)
        {
            return null;
        }
        sender.Signal();
        var outcomes = new EncOutcome[group.Count];
        var at = 0;
        for (var j = 0; j < group.Count; j++)
        {
            var r = group[j];
            var unitsPerKey = cipher.UnitsPerKey(r.SizeBits);
            var keys = new List<DeliveredKey>(r.Number);
            for (var i = 0; i < r.Number; i++)
            {
                keys.Add(new DeliveredKey(ids[j][i], cipher.Compose(peer, units, at, unitsPerKey, r.SizeBits / 8)));
                at += unitsPerKey;
            }
            metrics.KeysServed.WithLabels("master").Inc(r.Number);
            audit.Delivered("enc_keys", ids[j], r.MasterSae, r.MasterSae, r.Slaves, peer);
            outcomes[j] = new EncOutcome.Served(keys);
        }
        metrics.UnitsConsumed.WithLabels(peer, "delivery").Inc(needed);
        metrics.GroupRequests.WithLabels(peer).Observe(group.Count);
        leases.Consumed(peer, needed);
        return outcomes;
    }

    /// <summary>The notice of a group of one SAE pair: key IDs, their units, the SAEs; no key material.</summary>
    private byte[] Notice(List<EncRequest> group, string peer, Guid[][] ids, IReadOnlyList<StoredUnit> units)
    {
        var keys = new List<TransferKeyDto>();
        var at = 0;
        for (var j = 0; j < group.Count; j++)
        {
            var unitsPerKey = cipher.UnitsPerKey(group[j].SizeBits);
            for (var i = 0; i < ids[j].Length; i++)
            {
                keys.Add(new TransferKeyDto(ids[j][i], group[j].SizeBits, HopCipher.UnitDtos(units, at, unitsPerKey), null));
                at += unitsPerKey;
            }
        }
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new KeyTransferDto(group[0].MasterSae, group[0].Slaves, peer, keys), PeerJson.Default.KeyTransferDto);
    }
}
