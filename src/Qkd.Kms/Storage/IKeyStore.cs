namespace Qkd.Kms.Storage;

/// <summary>
/// Durable key store of one KME (one implementation per database, one shared contract test suite).
/// Every method is one database transaction; materials are opaque (wrapped by <see cref="KeyWrapper"/>
/// above the store). Unit states move only forward (but for a lease the peer refused outright: Reserved -> Available): Available -> Reserved -> Delivered|Discarded|Owned,
/// Owned -> Delivered|Expired, Available -> Leased -> Transferred|Expired, Available -> Transferred|Expired;
/// keys Pending -> Delivered|Expired. That is what makes
/// "no key served twice" hold under concurrency, restarts and crashes.
/// </summary>
public interface IKeyStore : IAsyncDisposable
{
    /// <summary>Creates tables if missing; discards reservations left by a crash when <paramref name="recoverAllReservations"/>.</summary>
    Task InitializeAsync(bool recoverAllReservations, CancellationToken ct);

    /// <summary>Stores a key block cut into units; idempotent on the block ID. Refuses (returns <see cref="AddBlockResult.PoolFull"/>) above <paramref name="maxPoolUnits"/>.</summary>
    Task<AddBlockResult> AddBlockAsync(string peer, Guid blockId, IReadOnlyList<byte[]> wrappedUnits, long maxPoolUnits, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Atomically moves <paramref name="count"/> available units of the <paramref name="peer"/> pool to Reserved
    /// under <paramref name="reservationId"/>, oldest first or newest first; all or nothing (null when short).
    /// </summary>
    Task<IReadOnlyList<StoredUnit>?> ReserveUnitsAsync(string peer, int count, bool newestFirst, Guid reservationId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Moves the reservation's units to Delivered (peer confirmed) or Discarded, wiping their material.</summary>
    Task FinishReservationAsync(Guid reservationId, bool delivered, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Atomically takes the named available units of the <paramref name="peer"/> pool (-> Transferred) and,
    /// in the same transaction, stores the keys that <paramref name="keysFromUnits"/> builds from them.
    /// Returns the units' materials in the order asked, or null (nothing changed) when any unit is missing or not available.
    /// </summary>
    Task<IReadOnlyList<byte[]>?> TakeUnitsAsync(string peer, IReadOnlyList<UnitRef> units, Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, DateTimeOffset now, CancellationToken ct)
        => TakeUnitsAsync(peer, units, UnitState.Available, keysFromUnits, now, ct);

    /// <summary>As above, taking units that are in state <paramref name="from"/> (Available for a transfer, Leased for a key notice).</summary>
    Task<IReadOnlyList<byte[]>?> TakeUnitsAsync(string peer, IReadOnlyList<UnitRef> units, UnitState from, Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Several takes as <see cref="TakeUnitsAsync(string, IReadOnlyList{UnitRef}, UnitState, Func{IReadOnlyList{byte[]}, IReadOnlyList{PendingKey}}, DateTimeOffset, CancellationToken)"/>
    /// in one transaction (the key notices of one message); each is all or nothing on its own. Returns, per take, whether it happened.
    /// </summary>
    Task<IReadOnlyList<bool>> TakeUnitsBatchAsync(string peer, IReadOnlyList<UnitTake> takes, UnitState from, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// A lease the peer refused with 409 (nothing changed there): the reservation's units return to Available.
    /// Safe because the peer grants only units that are Available there, so it cannot own any of them.
    /// </summary>
    Task ReleaseReservationAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct);

    /// <summary>The lease the peer granted: the reservation's units move to Owned, material kept.</summary>
    Task ConfirmLeaseAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Grants the peer a lease: the named Available units move to Leased; all or nothing (false, nothing changed).</summary>
    Task<bool> GrantLeaseAsync(string peer, IReadOnlyList<UnitRef> units, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Atomically moves the <paramref name="count"/> oldest Owned units of the <paramref name="peer"/> pool to Delivered
    /// (material wiped) and, in the same transaction, appends the key notice <paramref name="notice"/> builds from them
    /// to the outbox towards the peer. Returns the units with their material, or null (nothing changed) when short.
    /// </summary>
    Task<IReadOnlyList<StoredUnit>?> TakeOwnedAsync(string peer, int count, Func<IReadOnlyList<StoredUnit>, byte[]> notice, DateTimeOffset now, CancellationToken ct);

    /// <summary>The oldest <paramref name="max"/> outbox entries towards <paramref name="peer"/>, in order.</summary>
    Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string peer, int max, CancellationToken ct);

    /// <summary>Removes outbox entries the peer acknowledged.</summary>
    Task DeleteOutboxAsync(IReadOnlyList<long> sequences, CancellationToken ct);

    /// <summary>Whether a key with this ID was ever stored here (pending, delivered or expired).</summary>
    Task<bool> KeyExistsAsync(Guid keyId, CancellationToken ct);

    /// <summary>Available units in the <paramref name="peer"/> pool, counted up to <paramref name="cap"/> only (cheap on a large pool).</summary>
    Task<long> AvailableUnitsUpToAsync(string peer, long cap, CancellationToken ct);

    /// <summary>Owned units in the <paramref name="peer"/> pool (leased from the peer, not yet served).</summary>
    Task<long> OwnedUnitsAsync(string peer, CancellationToken ct);

    /// <summary>All-or-nothing retrieval of pending keys for <paramref name="callerSae"/> (see <see cref="TakeKeysResult"/>).</summary>
    Task<TakeKeysResult> TakeKeysAsync(IReadOnlyList<Guid> keyIds, string masterSae, string callerSae, DateTimeOffset now, CancellationToken ct);

    /// <summary>Available units in the <paramref name="peer"/> pool.</summary>
    Task<long> AvailableUnitsAsync(string peer, CancellationToken ct);

    /// <summary>Expires units (Available, Owned, Leased) and pending keys older than <paramref name="maxAgeCutoff"/>; discards reservations older than <paramref name="reservationCutoff"/>.</summary>
    Task<ExpiryResult> ExpireAsync(DateTimeOffset maxAgeCutoff, DateTimeOffset reservationCutoff, CancellationToken ct);

    /// <summary>Unit and key counts by pool and state (for metrics and for the accounting tests).</summary>
    Task<StoreCounts> CountsAsync(CancellationToken ct);
}
