namespace Qkd.Kms.Storage;

/// <summary>Identity of one key unit: the link's block ID and the unit's index in it (identical at both KMEs).</summary>
public readonly record struct UnitRef(Guid BlockId, int Index);

/// <summary>A unit read from the store with its (wrapped) material.</summary>
public sealed record StoredUnit(UnitRef Ref, long Sequence, byte[] Material);

/// <summary>A key waiting at the slave's KME for <c>dec_keys</c>; material wrapped.</summary>
public sealed record PendingKey(Guid KeyId, string MasterSae, IReadOnlyList<string> SlaveSaes, int SizeBits, byte[] Material);

/// <summary>A key notice waiting in the outbox towards a peer KME (no key material: key IDs, unit references, SAE IDs).</summary>
public sealed record OutboxEntry(long Sequence, byte[] Payload);

/// <summary>One take of a batch (<see cref="IKeyStore.TakeUnitsBatchAsync"/>): the units, and the keys to store from their materials.</summary>
public sealed record UnitTake(IReadOnlyList<UnitRef> Units, Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> KeysFromUnits);

/// <summary>Outcome of storing a key block.</summary>
public enum AddBlockResult
{
    Added,
    Duplicate,
    PoolFull,
}

/// <summary>Outcome of an all-or-nothing <c>dec_keys</c> retrieval.</summary>
public abstract record TakeKeysResult
{
    /// <summary>All keys delivered (now wiped in the store), in the order asked.</summary>
    public sealed record Taken(IReadOnlyList<PendingKey> Keys) : TakeKeysResult;

    /// <summary>At least one key is unknown, already delivered, expired, or belongs to another master SAE.</summary>
    public sealed record NotFound(IReadOnlyList<Guid> Missing) : TakeKeysResult;

    /// <summary>At least one key exists but the caller was not named as its slave SAE.</summary>
    public sealed record NotAuthorized(IReadOnlyList<Guid> Refused) : TakeKeysResult;

    private TakeKeysResult() { }
}

/// <summary>Counts moved by one expiry sweep.</summary>
public sealed record ExpiryResult(long UnitsExpired, long KeysExpired, long ReservationsDiscarded);

/// <summary>Unit states as stored (integers in both databases).</summary>
public enum UnitState
{
    Available = 0,
    Reserved = 1,
    Delivered = 2,
    Discarded = 3,
    Expired = 4,
    Transferred = 5,

    /// <summary>Leased from the peer for this KME's own masters (docs/kms.md "Key leases"): served by <c>enc_keys</c> without a peer round trip.</summary>
    Owned = 6,

    /// <summary>Leased to the peer: used only by the peer's key notices, never by this KME's masters.</summary>
    Leased = 7,
}

/// <summary>Pending-key states as stored.</summary>
public enum KeyState
{
    Pending = 0,
    Delivered = 1,
    Expired = 2,
}

/// <summary>Units per (pool, state) and keys per state; units supplied = sum over states.</summary>
public sealed record StoreCounts(IReadOnlyDictionary<(string Peer, UnitState State), long> Units, IReadOnlyDictionary<KeyState, long> Keys)
{
    public long UnitsIn(string peer, UnitState state) => Units.TryGetValue((peer, state), out var n) ? n : 0;
    public long UnitsIn(UnitState state) => Units.Where(kv => kv.Key.State == state).Sum(kv => kv.Value);
    public long UnitsOf(string peer) => Units.Where(kv => kv.Key.Peer == peer).Sum(kv => kv.Value);
    public long KeysIn(KeyState state) => Keys.TryGetValue(state, out var n) ? n : 0;
}
