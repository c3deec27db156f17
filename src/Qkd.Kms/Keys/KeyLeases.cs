using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// Key leases of the direct links (docs/kms.md "Key leases"): units of a link pool the peer has durably
/// set aside for this KME's masters (asked for here, on demand or ahead of use), units this KME sets aside
/// for the peer's masters (granted here), and the outbox of key notices that tells the peer which leased
/// units became which keys (one <see cref="NoticeSender"/> per peer, owned here).
/// </summary>
public sealed class KeyLeases : IDisposable
{
    private readonly KmsConfig _config;
    private readonly IKeyStore _store;
    private readonly PeerClient _peers;
    private readonly SaeRoutingTable _routes;
    private readonly KmsMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, NoticeSender> _senders;
    private readonly Dictionary<string, SemaphoreSlim> _leasing;

    /// <summary>Owned units per peer as this process last saw them (drives the lease prefetch only; the store decides).</summary>
    private readonly ConcurrentDictionary<string, long> _owned = new(StringComparer.Ordinal);

    private int _prefetching;

    public KeyLeases(KmsConfig config, IKeyStore store, PeerClient peers, SaeRoutingTable routes, KmsMetrics metrics, AuditLog audit, TimeProvider time, ILogger logger)
    {
        _config = config;
        _store = store;
        _peers = peers;
        _routes = routes;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _senders = config.Peers.ToDictionary(p => p.KmeId, p => new NoticeSender(p.KmeId, store, peers, metrics, audit, logger), StringComparer.Ordinal);
        _leasing = config.Peers.ToDictionary(p => p.KmeId, _ => new SemaphoreSlim(1, 1), StringComparer.Ordinal);
    }

    /// <summary>The notice sender towards the direct peer <paramref name="peer"/>.</summary>
    public NoticeSender Notices(string peer) => _senders[peer];

    /// <summary>The peer's slave asked for a key it has not heard of: send the outbox towards it now.</summary>
    public Task<bool> FlushNoticesAsync(string peer, CancellationToken ct) => _senders[peer].FlushAsync(ct);

    /// <summary>
    /// Records that <paramref name="used"/> owned units towards <paramref name="peer"/> were served, and
    /// leases ahead in the background when fewer than half a lease are left.
    /// </summary>
    public void Consumed(string peer, int used)
    {
        if (_owned.AddOrUpdate(peer, 0, (_, n) => Math.Max(0, n - used)) < _config.Keys.LeaseUnits / 2)
        {
            PrefetchLease(peer);
        }
    }

    /// <summary>Records that no owned unit is left towards <paramref name="peer"/> (a take found too few).</summary>
    public void Exhausted(string peer) => _owned[peer] = 0;

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
                Log.Failed(_logger, "lease prefetch", e.GetType().Name);
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
    public async Task<string?> LeaseAsync(string peer, int needed, bool prefetch = false)
    {
        var gate = _leasing[peer];
        await gate.WaitAsync();
        try
        {
            var owned = await _store.OwnedUnitsAsync(peer, CancellationToken.None);
            _owned[peer] = owned;
            if ((prefetch && owned >= _config.Keys.LeaseUnits / 2) || (!prefetch && owned >= needed))
            {
                return null;
            }
            // Counted only as far as the sizing below looks: a full count of a large pool costs milliseconds.
            var available = await _store.AvailableUnitsUpToAsync(peer, Math.Max(2L * _config.Keys.LeaseUnits, 2L * needed), CancellationToken.None);
            if (prefetch && available < 2L * _config.Keys.LeaseUnits)
            {
                // A small pool is leased on demand only, so that one direction cannot take it all ahead of use.
                return null;
            }
            var size = (int)Math.Min(available, Math.Min(_config.Keys.LeaseUnits, Math.Max(needed, available / 2)));
            if (size < needed || size == 0)
            {
                return $"not enough key material towards {peer}: {needed} units needed, {available + owned} available";
            }
            return await AskPeerAsync(peer, size);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reserves <paramref name="size"/> units here and asks the peer to lease them (the second half of <see cref="LeaseAsync"/>).</summary>
    private async Task<string?> AskPeerAsync(string peer, int size)
    {
        var lease = Guid.NewGuid();
        var units = await _store.ReserveUnitsAsync(peer, size, _routes.TakesNewestFrom(peer), lease, _time.GetUtcNow(), CancellationToken.None);
        if (units is null)
        {
            return $"not enough key material towards {peer}: the pool changed while leasing";
        }
        var (status, reason) = await _peers.LeaseAsync(peer, new LeaseDto(lease, HopCipher.UnitDtos(units, 0, units.Count)), CancellationToken.None);
        _senders[peer].Observe(status, reason);
        if (status == TransferStatus.Conflict)
        {
            // 409: the peer changed nothing (near an empty pool both ends reserved some of the same units).
            // The units go back to the pool instead of being lost; the next lease tries again.
            await _store.ReleaseReservationAsync(lease, _time.GetUtcNow(), CancellationToken.None);
            return $"KME {peer} refused the key lease ({reason}: the pool is nearly empty at both ends); no key was served";
        }
        if (status != TransferStatus.Accepted)
        {
            await _store.FinishReservationAsync(lease, false, _time.GetUtcNow(), CancellationToken.None);
            _metrics.ReservationsDiscarded.WithLabels(peer).Inc(units.Count);
            Log.PeerTransferFailed(_logger, peer, reason, units.Count);
            return $"KME {peer} did not confirm the key lease ({reason}); no key was served";
        }
        await _store.ConfirmLeaseAsync(lease, _time.GetUtcNow(), CancellationToken.None);
        _owned.AddOrUpdate(peer, units.Count, (_, n) => n + units.Count);
        _metrics.UnitsLeased.WithLabels(peer, "owned").Inc(units.Count);
        Log.Leased(_logger, peer, units.Count, "owned");
        return null;
    }

    /// <summary>The peer asks for a lease: its named units, all Available here, become Leased (reserved for the peer's masters).</summary>
    public async Task<TransferOutcome> GrantLeaseAsync(string fromKme, LeaseDto lease, CancellationToken ct)
    {
        if (lease.Units.Count == 0 || lease.Units.Distinct().Count() != lease.Units.Count)
        {
            return new TransferOutcome.Invalid("a lease names at least one unit, each once");
        }
        if (lease.Units.Count > _config.Keys.LeaseUnits)
        {
            // Capped here too, not only at the requester: a peer configured (or compromised) to lease more cannot take this KME's share of the pool.
            return new TransferOutcome.Conflict($"a lease takes at most keys.leaseUnits {_config.Keys.LeaseUnits} units at {_config.KmeId}, but {lease.Units.Count} were asked");
        }
        if (!await _store.GrantLeaseAsync(fromKme, lease.Units.Select(u => new UnitRef(u.BlockId, u.Index)).ToList(), _time.GetUtcNow(), ct))
        {
            return new TransferOutcome.Conflict($"one or more units of the {fromKme} pool are not available here");
        }
        _metrics.UnitsLeased.WithLabels(fromKme, "granted").Inc(lease.Units.Count);
        Log.Leased(_logger, fromKme, lease.Units.Count, "granted");
        return new TransferOutcome.Accepted(lease.Units.Count);
    }

    /// <summary>Stops the notice senders.</summary>
    public void Dispose()
    {
        foreach (var s in _senders.Values)
        {
            s.Dispose();
        }
    }
}
