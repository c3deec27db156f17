using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Qkd.KeyManagement;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms;

/// <summary>
/// What a KME does with keys (docs/kms.md): serve masters of a direct link from units the peer leased
/// to this KME (one local transaction; the peer learns of the keys from a durable outbox of notices),
/// serve masters of a relayed route after the next KME confirmed a reservation, serve slaves
/// all-or-nothing from pending keys, receive transfers and relay them hop by hop with one-time-pad
/// encryption. Endpoints call this; this calls the store.
/// </summary>
public sealed class KeyService(KmsConfig config, IKeyStore store, KeyWrapper wrapper, PeerClient peers, KmsMetrics metrics, AuditLog audit, TimeProvider time, ILogger<KeyService> logger) : IDisposable
{
    private readonly int _unitBytes = config.Keys.UnitBits / 8;

    private readonly Dictionary<string, NoticeSender> _senders = config.Peers.ToDictionary(
        p => p.KmeId, p => new NoticeSender(p.KmeId, store, peers, metrics, audit, logger), StringComparer.Ordinal);

    private readonly Dictionary<string, MissPull> _pulls = config.Peers.ToDictionary(
        p => p.KmeId, p => new MissPull(async ct => (await peers.RequestFlushAsync(p.KmeId, ct)).Status == TransferStatus.Accepted, time, metrics.PeerPulls.WithLabels(p.KmeId)), StringComparer.Ordinal);

    private readonly Dictionary<string, SemaphoreSlim> _leasing = config.Peers.ToDictionary(p => p.KmeId, _ => new SemaphoreSlim(1, 1), StringComparer.Ordinal);

    /// <summary>Owned units per peer as this process last saw them (drives the lease prefetch only; the store decides).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _owned = new(StringComparer.Ordinal);

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

    /// <summary>Units this KME can serve its masters towards <paramref name="peer"/>: available in the pool plus leased to it.</summary>
    public async Task<long> ServableUnitsAsync(string peer, CancellationToken ct)
        => await store.AvailableUnitsAsync(peer, ct) + await store.OwnedUnitsAsync(peer, ct);

    /// <summary>Keys of <paramref name="sizeBits"/> the pool towards <paramref name="peer"/> can serve now.</summary>
    public async Task<long> StoredKeyCountAsync(string peer, int sizeBits, CancellationToken ct)
        => KeyUnits.KeysAvailable(await ServableUnitsAsync(peer, ct), sizeBits, config.Keys.UnitBits);

    /// <summary>
    /// <c>enc_keys</c>. Direct link: take leased units and write the key notice in one local
    /// transaction (docs/kms.md "Key leases"). Relayed route: reserve, tell the next KME, then hand out
    /// (or discard on any doubt); concurrent requests for the same (master, slave) pair are coalesced
    /// (group commit, docs/kms.md "Group commit"): one reservation transaction, one KME-to-KME call and
    /// one finishing transaction serve the whole group, with the same guarantees as one request.
    /// </summary>
    public Task<EncOutcome> GetKeysAsync(string masterSae, string slaveSae, int number, int sizeBits, CancellationToken ct)
    {
        var destination = KmeOfSae(slaveSae) ?? throw new InvalidOperationException("slave SAE was validated by the endpoint");
        var next = NextHop(destination)!;
        var request = new EncRequest(masterSae, [slaveSae], number, sizeBits);
        if (next == destination)
        {
            return ServeLeasedAsync(request, next);
        }
        var batcher = _batchers.GetOrAdd((masterSae, slaveSae), static (_, s) => new EncBatcher(s), this);
        return batcher.SubmitAsync(request, next, destination, ct);
    }

    /// <summary>
    /// <c>enc_keys</c> with additional slaves (ETSI GS QKD 014 clause 6.2, multicast): the keys are served to
    /// the master only after every KME of a slave holds them, each slave fetching them with <c>dec_keys</c> at
    /// its own KME. The slave's KME gets them as for a plain request; every other slave's KME gets a copy, each
    /// key one-time-pad encrypted with units of the link towards it and relayed hop by hop like any transfer.
    /// The endpoint has checked that every slave is known, at a different KME, and not attached here. If a copy
    /// is not confirmed, nothing is served (the keys already noticed at other KMEs are never fetched and expire).
    /// </summary>
    public async Task<EncOutcome> GetMulticastKeysAsync(string masterSae, string slaveSae, IReadOnlyList<string> additionalSlaves, int number, int sizeBits, CancellationToken ct)
    {
        var destination = KmeOfSae(slaveSae) ?? throw new InvalidOperationException("slave SAE was validated by the endpoint");
        var next = NextHop(destination)!;
        var request = new EncRequest(masterSae, [slaveSae], number, sizeBits);
        var primary = next == destination ? await ServeLeasedAsync(request, next) : (await ServeAsync([request], next, destination))![0];
        if (primary is not EncOutcome.Served served)
        {
            return primary;
        }
        foreach (var extra in additionalSlaves)
        {
            var kme = KmeOfSae(extra)!;
            if (await SendCopyAsync(served.Keys, masterSae, extra, kme, sizeBits, ct) is { } failure)
            {
                foreach (var k in served.Keys)
                {
                    CryptographicOperations.ZeroMemory(k.Material);
                }
                return new EncOutcome.Unavailable($"the copy of the keys for additional slave {extra} was not confirmed ({failure}); no key was served");
            }
        }
        audit.Delivered("enc_keys_multicast", served.Keys.Select(k => k.KeyId).ToList(), masterSae, masterSae, [slaveSae, .. additionalSlaves], destination);
        return served;
    }

    /// <summary>Sends <paramref name="keys"/> to <paramref name="destination"/> for <paramref name="slave"/>, one-time-pad encrypted with units of the next hop; null when confirmed, else why not.</summary>
    private async Task<string?> SendCopyAsync(IReadOnlyList<DeliveredKey> keys, string masterSae, string slave, string destination, int sizeBits, CancellationToken ct)
    {
        var next = NextHop(destination)!;
        var unitsPerKey = KeyUnits.UnitsPerKey(sizeBits, config.Keys.UnitBits);
        var reservation = Guid.NewGuid();
        var units = await store.ReserveUnitsAsync(next, keys.Count * unitsPerKey, TakesNewestFrom(next), reservation, time.GetUtcNow(), ct);
        if (units is null)
        {
            return $"not enough key material towards {next}";
        }
        var transfer = new List<TransferKeyDto>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var slice = units.Skip(i * unitsPerKey).Take(unitsPerKey).ToList();
            var hopKey = Compose(next, slice.ConvertAll(u => (u.Ref, u.Material)), sizeBits / 8);
            var cipher = new byte[hopKey.Length];
            OneTimePad.Xor(keys[i].Material, hopKey, cipher);
            CryptographicOperations.ZeroMemory(hopKey);
            transfer.Add(new TransferKeyDto(keys[i].KeyId, sizeBits, slice.ConvertAll(u => new UnitDto(u.Ref.BlockId, u.Ref.Index)), Convert.ToBase64String(cipher)));
        }
        var (status, reason) = await peers.SendAsync(next, new KeyTransferDto(masterSae, [slave], destination, transfer), CancellationToken.None);
        var ok = status == TransferStatus.Accepted;
        await store.FinishReservationAsync(reservation, ok, time.GetUtcNow(), CancellationToken.None);
        if (!ok)
        {
            metrics.ReservationsDiscarded.WithLabels(next).Inc(units.Count);
            Log.PeerTransferFailed(logger, next, reason, units.Count);
            return $"KME {next} did not confirm ({reason})";
        }
        metrics.UnitsConsumed.WithLabels(next, "delivery").Inc(units.Count);
        return null;
    }

    /// <summary>Most keys one group carries to the peer (bounds the transfer body and the transaction).</summary>
    internal const int MaxKeysPerGroup = 256;

    /// <summary>Groups in flight at once per SAE pair: keeps a lone request from waiting for another group's round trip.</summary>
    internal const int GroupsInFlight = 4;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Master, string Slave), EncBatcher> _batchers = new();

    /// <summary>Stops the group workers once the queued requests are served (the host stopped taking requests), and the notice senders.</summary>
    public void Dispose()
    {
        foreach (var b in _batchers.Values)
        {
            b.Complete();
        }
        foreach (var s in _senders.Values)
        {
            s.Dispose();
        }
    }

    /// <summary>
    /// Serves a master of a direct link from units the peer leased to this KME: one transaction moves
    /// them to Delivered and appends the key notice to the outbox; the notice sender then tells the
    /// peer. A key is served only from units the peer has durably set aside for this KME, and only while
    /// the peer answers, so the slave can always fetch it there (docs/kms.md "Key leases").
    /// </summary>
    private async Task<EncOutcome> ServeLeasedAsync(EncRequest r, string peer)
    {
        var sender = _senders[peer];
        if (!sender.PeerReachable)
        {
            return new EncOutcome.Unavailable($"KME {peer} is unreachable ({sender.Failure}); no key was served");
        }
        var unitsPerKey = KeyUnits.UnitsPerKey(r.SizeBits, config.Keys.UnitBits);
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
                    var slice = new List<(UnitRef, byte[])>(unitsPerKey);
                    for (var j = 0; j < unitsPerKey; j++)
                    {
                        var u = units[(i * unitsPerKey) + j];
                        slice.Add((u.Ref, u.Material));
                    }
                    keys.Add(new DeliveredKey(ids[i], Compose(peer, slice, r.SizeBits / 8)));
                }
                metrics.UnitsConsumed.WithLabels(peer, "delivery").Inc(needed);
                metrics.KeysServed.WithLabels("master").Inc(r.Number);
                audit.Delivered("enc_keys", ids, r.MasterSae, r.MasterSae, r.Slaves, peer);
                if (_owned.AddOrUpdate(peer, 0, (_, n) => Math.Max(0, n - needed)) < config.Keys.LeaseUnits / 2)
                {
                    PrefetchLease(peer);
                }
                return new EncOutcome.Served(keys);
            }
            _owned[peer] = 0;
            if (attempt == 2)
            {
                return new EncOutcome.Unavailable($"not enough key material towards {peer}: {r.Number} keys of {r.SizeBits} bits need {needed} units of {config.Keys.UnitBits} bits");
            }
            if (await LeaseAsync(peer, needed) is { } failure)
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
            var refs = new List<UnitDto>(unitsPerKey);
            for (var j = 0; j < unitsPerKey; j++)
            {
                var u = units[(i * unitsPerKey) + j].Ref;
                refs.Add(new UnitDto(u.BlockId, u.Index));
            }
            keys.Add(new TransferKeyDto(ids[i], r.SizeBits, refs, null));
        }
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new KeyTransferDto(r.MasterSae, r.Slaves, peer, keys));
    }

    private int _prefetching;

    /// <summary>Leases ahead in the background (only from a pool of at least two leases) so that requests rarely wait for a lease round trip.</summary>
    private void PrefetchLease(string peer)
    {
        if (Interlocked.CompareExchange(ref _prefetching, 1, 0) != 0)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await LeaseAsync(peer, 1, prefetch: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.Failed(logger, "lease prefetch", e.GetType().Name);
            }
            finally
            {
                Volatile.Write(ref _prefetching, 0);
            }
        });
    }

    /// <summary>
    /// Asks <paramref name="peer"/> to lease units of the link pool to this KME: reserve them here, the
    /// peer moves the same units to Leased, then they become Owned here. A 409 (nothing changed at the
    /// peer) returns them to the pool; any other doubt (error, no answer) discards them, as a reservation
    /// is. A lease takes min(keys.leaseUnits, max(needed,
    /// available / 2)) units, so the other direction of the link always keeps half of what is left.
    /// Returns null on success (or when owned units already cover <paramref name="needed"/>), else why not.
    /// </summary>
    private async Task<string?> LeaseAsync(string peer, int needed, bool prefetch = false)
    {
        var gate = _leasing[peer];
        await gate.WaitAsync();
        try
        {
            var owned = await store.OwnedUnitsAsync(peer, CancellationToken.None);
            _owned[peer] = owned;
            if ((prefetch && owned >= config.Keys.LeaseUnits / 2) || (!prefetch && owned >= needed))
            {
                return null;
            }
            // Counted only as far as the sizing below looks: a full count of a large pool costs milliseconds.
            var available = await store.AvailableUnitsUpToAsync(peer, Math.Max(2L * config.Keys.LeaseUnits, 2L * needed), CancellationToken.None);
            if (prefetch && available < 2L * config.Keys.LeaseUnits)
            {
                // A small pool is leased on demand only, so that one direction cannot take it all ahead of use.
                return null;
            }
            var size = (int)Math.Min(available, Math.Min(config.Keys.LeaseUnits, Math.Max(needed, available / 2)));
            if (size < needed || size == 0)
            {
                return $"not enough key material towards {peer}: {needed} units needed, {available + owned} available";
            }
            var lease = Guid.NewGuid();
            var units = await store.ReserveUnitsAsync(peer, size, TakesNewestFrom(peer), lease, time.GetUtcNow(), CancellationToken.None);
            if (units is null)
            {
                return $"not enough key material towards {peer}: the pool changed while leasing";
            }
            var (status, reason) = await peers.LeaseAsync(peer, new LeaseDto(lease, units.Select(u => new UnitDto(u.Ref.BlockId, u.Ref.Index)).ToList()), CancellationToken.None);
            _senders[peer].Observe(status, reason);
            if (status == TransferStatus.Conflict)
            {
                // 409: the peer changed nothing (near an empty pool both ends reserved some of the same units).
                // The units go back to the pool instead of being lost; the next lease tries again.
                await store.ReleaseReservationAsync(lease, time.GetUtcNow(), CancellationToken.None);
                return $"KME {peer} refused the key lease ({reason}: the pool is nearly empty at both ends); no key was served";
            }
            if (status != TransferStatus.Accepted)
            {
                await store.FinishReservationAsync(lease, false, time.GetUtcNow(), CancellationToken.None);
                metrics.ReservationsDiscarded.WithLabels(peer).Inc(units.Count);
                Log.PeerTransferFailed(logger, peer, reason, units.Count);
                return $"KME {peer} did not confirm the key lease ({reason}); no key was served";
            }
            await store.ConfirmLeaseAsync(lease, time.GetUtcNow(), CancellationToken.None);
            _owned.AddOrUpdate(peer, units.Count, (_, n) => n + units.Count);
            metrics.UnitsLeased.WithLabels(peer, "owned").Inc(units.Count);
            Log.Leased(logger, peer, units.Count, "owned");
            return null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The peer asks for a lease: its named units, all Available here, become Leased (reserved for the peer's masters).</summary>
    public async Task<TransferOutcome> GrantLeaseAsync(string fromKme, LeaseDto lease, CancellationToken ct)
    {
        if (lease.Units.Count == 0 || lease.Units.Distinct().Count() != lease.Units.Count)
        {
            return new TransferOutcome.Invalid("a lease names at least one unit, each once");
        }
        if (lease.Units.Count > config.Keys.LeaseUnits)
        {
            // Capped here too, not only at the requester: a peer configured (or compromised) to lease more cannot take this KME's share of the pool.
            return new TransferOutcome.Conflict($"a lease takes at most keys.leaseUnits {config.Keys.LeaseUnits} units at {config.KmeId}, but {lease.Units.Count} were asked");
        }
        if (!await store.GrantLeaseAsync(fromKme, lease.Units.Select(u => new UnitRef(u.BlockId, u.Index)).ToList(), time.GetUtcNow(), ct))
        {
            return new TransferOutcome.Conflict($"one or more units of the {fromKme} pool are not available here");
        }
        metrics.UnitsLeased.WithLabels(fromKme, "granted").Inc(lease.Units.Count);
        Log.Leased(logger, fromKme, lease.Units.Count, "granted");
        return new TransferOutcome.Accepted(lease.Units.Count);
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
        var taken = await store.TakeUnitsBatchAsync(fromKme, valid.ConvertAll(v => new UnitTake(v.Units, m => BuildPendingKeys(fromKme, v.Notice, v.Units, m))),
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

    /// <summary>The peer's slave asked for a key it has not heard of: send the outbox towards it now.</summary>
    public Task<bool> FlushNoticesAsync(string peer, CancellationToken ct) => _senders[peer].FlushAsync(ct);

    private sealed record EncRequest(string MasterSae, IReadOnlyList<string> Slaves, int Number, int SizeBits);

    private sealed record QueuedRequest(EncRequest Request, TaskCompletionSource<EncOutcome> Done);

    /// <summary>Queue of <c>enc_keys</c> requests of one SAE pair, drained by <see cref="GroupsInFlight"/> workers.</summary>
    private sealed class EncBatcher
    {
        private readonly KeyService _service;
        private readonly System.Threading.Channels.Channel<QueuedRequest> _queue = System.Threading.Channels.Channel.CreateUnbounded<QueuedRequest>(
            new System.Threading.Channels.UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
        private string _next = "";
        private string _destination = "";

        public EncBatcher(KeyService service)
        {
            _service = service;
        }

        public Task<EncOutcome> SubmitAsync(EncRequest request, string next, string destination, CancellationToken ct)
        {
            // The route of an SAE pair is fixed by the configuration, so every request of this queue has the same hops.
            lock (_queue)
            {
                if (_next.Length == 0)
                {
                    _next = next;
                    _destination = destination;
                    for (var i = 0; i < GroupsInFlight; i++)
                    {
                        _ = Task.Run(WorkAsync, CancellationToken.None);
                    }
                }
            }
            ct.ThrowIfCancellationRequested();
            var done = new TaskCompletionSource<EncOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_queue.Writer.TryWrite(new QueuedRequest(request, done)))
            {
                throw new ObjectDisposedException(nameof(KeyService), "the KME is stopping");
            }
            return done.Task;
        }

        public void Complete() => _queue.Writer.TryComplete();

        private async Task WorkAsync()
        {
            var group = new List<QueuedRequest>();
            while (await _queue.Reader.WaitToReadAsync())
            {
                group.Clear();
                var keys = 0;
                while (keys < MaxKeysPerGroup && _queue.Reader.TryPeek(out var head)
                       && (group.Count == 0 || keys + head.Request.Number <= MaxKeysPerGroup) && _queue.Reader.TryRead(out var item))
                {
                    group.Add(item);
                    keys += item.Request.Number;
                }
                if (group.Count == 0)
                {
                    continue;
                }
                try
                {
                    var outcomes = await _service.ServeGroupAsync(group.ConvertAll(q => q.Request), _next, _destination);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(outcomes[i]);
                    }
                }
                catch (Exception e)
                {
                    foreach (var q in group)
                    {
                        q.Done.TrySetException(e);
                    }
                }
            }
        }
    }

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
            outcomes.Add((await ServeAsync([r], next, destination))![0]);
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
        var unitsPerKey = group.Select(r => KeyUnits.UnitsPerKey(r.SizeBits, config.Keys.UnitBits)).ToList();
        var needed = 0;
        for (var j = 0; j < group.Count; j++)
        {
            needed += group[j].Number * unitsPerKey[j];
        }
        var reservation = Guid.NewGuid();
        var units = await store.ReserveUnitsAsync(next, needed, TakesNewestFrom(next), reservation, time.GetUtcNow(), ct);
        if (units is null)
        {
            if (group.Count > 1)
            {
                return null;
            }
            var r = group[0];
            return [new EncOutcome.Unavailable($"not enough key material towards {next}: {r.Number} keys of {r.SizeBits} bits need {needed} units of {config.Keys.UnitBits} bits")];
        }
        var keysPerRequest = new List<List<DeliveredKey>>(group.Count);
        var transfer = new List<TransferKeyDto>();
        var offset = 0;
        for (var j = 0; j < group.Count; j++)
        {
            var r = group[j];
            var keys = new List<DeliveredKey>(r.Number);
            for (var i = 0; i < r.Number; i++)
            {
                var slice = units.Skip(offset).Take(unitsPerKey[j]).ToList();
                offset += unitsPerKey[j];
                var id = Guid.NewGuid();
                keys.Add(new DeliveredKey(id, Compose(next, slice.Select(u => (u.Ref, u.Material)).ToList(), r.SizeBits / 8)));
                transfer.Add(new TransferKeyDto(id, r.SizeBits, slice.Select(u => new UnitDto(u.Ref.BlockId, u.Ref.Index)).ToList(), null));
            }
            keysPerRequest.Add(keys);
        }
        var (status, reason) = await peers.SendAsync(next, new KeyTransferDto(group[0].MasterSae, group[0].Slaves, destination, transfer), ct);
        var delivered = status == TransferStatus.Accepted;
        await store.FinishReservationAsync(reservation, delivered, time.GetUtcNow(), ct);
        metrics.GroupRequests.WithLabels(next).Observe(group.Count);
        var outcomes = new List<EncOutcome>(group.Count);
        if (!delivered)
        {
            foreach (var k in keysPerRequest.SelectMany(k => k))
            {
                CryptographicOperations.ZeroMemory(k.Material);
            }
            metrics.ReservationsDiscarded.WithLabels(next).Inc(units.Count);
            Log.PeerTransferFailed(logger, next, reason, units.Count);
            foreach (var _ in group)
            {
                outcomes.Add(new EncOutcome.Unavailable($"KME {next} did not confirm the key reservation ({reason}); no key was served"));
            }
            return outcomes;
        }
        metrics.UnitsConsumed.WithLabels(next, "delivery").Inc(units.Count);
        for (var j = 0; j < group.Count; j++)
        {
            var r = group[j];
            metrics.KeysServed.WithLabels("master").Inc(r.Number);
            audit.Delivered("enc_keys", keysPerRequest[j].ConvertAll(k => k.KeyId), r.MasterSae, r.MasterSae, r.Slaves, destination == next ? next : $"{next}->{destination}");
            outcomes.Add(new EncOutcome.Served(keysPerRequest[j]));
        }
        return outcomes;
    }

    /// <summary><c>dec_keys</c>: all keys or none, only to a named slave, each at most once.</summary>
    public async Task<DecOutcome> GetKeysWithIdsAsync(string callerSae, string masterSae, IReadOnlyList<Guid> keyIds, CancellationToken ct)
    {
        var result = await store.TakeKeysAsync(keyIds, masterSae, callerSae, time.GetUtcNow(), ct);
        if (result is TakeKeysResult.NotFound && KmeOfSae(masterSae) is { } masterKme && _senders.ContainsKey(masterKme))
        {
            // The master's KME may have served these keys a moment ago and its notice be on the way: ask for it, then look again.
            // Concurrent misses share one pull, and pulls are at most one per MissPull.MinInterval per peer, so a burst of
            // unknown key IDs costs the peer a handful of calls and this KME no waiting beyond one round trip.
            if (await _pulls[masterKme].PullAsync(ct))
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
        => transfer.SlaveSaeIds.Any(s => !config.Saes.Any(l => l.Id == s)) ? $"a slave SAE of this transfer is not attached to {config.KmeId}" : null;

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
            // Without wrapping, plain is the material array read from the store: wiped all the same.
            CryptographicOperations.ZeroMemory(plain);
        }
        return key;
    }

    private static bool IsBase64OfLength(string text, int bytes)
    {
        var buffer = new byte[bytes + 3];
        return Convert.TryFromBase64String(text, buffer, out var n) && n == bytes;
    }
}
