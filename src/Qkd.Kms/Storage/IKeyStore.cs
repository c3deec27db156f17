namespace Qkd.Kms.Storage;

/// <summary>
/// Durable key store of one KME (one implementation per database, one shared contract test suite).
/// Every method is one database transaction; materials are opaque (wrapped by <see cref="KeyWrapper"/>
/// above the store). Unit states move only forward: Available -> Reserved -> Delivered|Discarded,
/// Available -> Transferred|Expired; keys Pending -> Delivered|Expired. That is what makes
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
    Task<IReadOnlyList<byte[]>?> TakeUnitsAsync(string peer, IReadOnlyList<UnitRef> units, Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, DateTimeOffset now, CancellationToken ct);

    /// <summary>All-or-nothing retrieval of pending keys for <paramref name="callerSae"/> (see <see cref="TakeKeysResult"/>).</summary>
    Task<TakeKeysResult> TakeKeysAsync(IReadOnlyList<Guid> keyIds, string masterSae, string callerSae, DateTimeOffset now, CancellationToken ct);

    /// <summary>Available units in the <paramref name="peer"/> pool.</summary>
    Task<long> AvailableUnitsAsync(string peer, CancellationToken ct);

    /// <summary>Expires units and pending keys older than <paramref name="maxAgeCutoff"/>; discards reservations older than <paramref name="reservationCutoff"/>.</summary>
    Task<ExpiryResult> ExpireAsync(DateTimeOffset maxAgeCutoff, DateTimeOffset reservationCutoff, CancellationToken ct);

    /// <summary>Unit and key counts by pool and state (for metrics and for the accounting tests).</summary>
    Task<StoreCounts> CountsAsync(CancellationToken ct);
}
