using Microsoft.Data.Sqlite;

namespace Qkd.Kms.Storage;

/// <summary>
/// Embedded key store: one SQLite file in WAL mode, synchronous=NORMAL (a committed transaction survives
/// the process being killed; an OS crash may lose the last commits but never un-delivers a key, see docs/kms.md).
/// Writers take BEGIN IMMEDIATE and an in-process gate, so every state change is serialised.
/// This file holds the store operations on units and keys; <c>SqliteKeyStore.Leases.cs</c> leases and the notice
/// outbox, <c>SqliteKeyStore.Checkpoint.cs</c> the WAL checkpointer and
/// <c>SqliteKeyStore.Commands.cs</c> the connection, transaction and prepared-command plumbing.
/// </summary>
public sealed partial class SqliteKeyStore : IKeyStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;
    private bool _disposed;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _checkpointer = Task.CompletedTask;

    /// <summary>Period of the background WAL checkpoint (the writer connection never checkpoints itself).</summary>
    internal static readonly TimeSpan CheckpointPeriod = TimeSpan.FromMilliseconds(200);

    public SqliteKeyStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public async Task InitializeAsync(bool recoverAllReservations, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await ExecAsync(c, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS units(
              seq INTEGER PRIMARY KEY AUTOINCREMENT, peer TEXT NOT NULL, block_id TEXT NOT NULL, idx INTEGER NOT NULL,
              state INTEGER NOT NULL, reservation TEXT, arrived_ms INTEGER NOT NULL, changed_ms INTEGER NOT NULL, material BLOB,
              UNIQUE(peer, block_id, idx));
            CREATE INDEX IF NOT EXISTS units_pool ON units(peer, state, seq);
            DROP INDEX IF EXISTS units_age;
            DROP INDEX IF EXISTS units_reservation;
            CREATE INDEX IF NOT EXISTS units_live ON units(arrived_ms) WHERE material IS NOT NULL;
            CREATE INDEX IF NOT EXISTS units_reserved ON units(reservation) WHERE state=1;
            CREATE TABLE IF NOT EXISTS blocks(peer TEXT NOT NULL, block_id TEXT NOT NULL, arrived_ms INTEGER NOT NULL, units INTEGER NOT NULL,
              PRIMARY KEY(peer, block_id));
            CREATE TABLE IF NOT EXISTS keys(
              key_id TEXT PRIMARY KEY, master TEXT NOT NULL, slaves TEXT NOT NULL, size_bits INTEGER NOT NULL,
              state INTEGER NOT NULL, created_ms INTEGER NOT NULL, changed_ms INTEGER NOT NULL, material BLOB);
            CREATE INDEX IF NOT EXISTS keys_age ON keys(state, created_ms);
            CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, peer TEXT NOT NULL, payload BLOB NOT NULL, created_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS outbox_peer ON outbox(peer, seq);
            """, ct);
        if (recoverAllReservations)
        {
            await ExecAsync(c, RecoverReservationsSql, ct);
        }
        _checkpointer = CheckpointLoopAsync(_stop.Token);
    }

    // The sweeps find their rows through the partial indexes (units with material; reserved units), never by a scan
    // of the whole table (SqliteKeyStoreTests.SweepAndLeaseStatements_FindTheirRowsThroughAnIndex).
    internal const string ExpireUnitsSql = "UPDATE units SET state=4, material=NULL WHERE state IN (0, 6, 7) AND material IS NOT NULL AND arrived_ms < $a";
    internal const string ExpireReservationsSql = "UPDATE units SET state=3, material=NULL WHERE state=1 AND changed_ms < $r";
    internal const string RecoverReservationsSql = "UPDATE units SET state=3, material=NULL WHERE state=1";

    public async Task<AddBlockResult> AddBlockAsync(string peer, Guid blockId, IReadOnlyList<byte[]> wrappedUnits, long maxPoolUnits, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        // The pool limit is counted before the write, outside the writer gate: counting a pool of 250,000 units
        // takes milliseconds, and inside the gate it stalled every key request once per supplied block. A block
        // racing another one can therefore overshoot the limit by one block (a soft limit; docs/kms.md).
        long available;
        await using (var reader = await OpenAsync(ct))
        {
            if (await ScalarAsync(reader, "SELECT COUNT(*) FROM blocks WHERE peer=$p AND block_id=$b", ct, ("$p", peer), ("$b", blockId.ToString("D"))) > 0)
            {
                return AddBlockResult.Duplicate;
            }
            // Upper bound first, from two index seeks: available units lie between the oldest and the newest
            // available sequence number. Only a pool whose bound reaches the limit is counted unit by unit.
            available = await ScalarAsync(reader, """
                SELECT COALESCE((SELECT seq FROM units WHERE peer=$p AND state=0 ORDER BY seq DESC LIMIT 1)
                              - (SELECT seq FROM units WHERE peer=$p AND state=0 ORDER BY seq LIMIT 1) + 1, 0)
                """, ct, ("$p", peer));
            if (available + wrappedUnits.Count > maxPoolUnits)
            {
                available = await ScalarAsync(reader, "SELECT COUNT(*) FROM (SELECT 1 FROM units WHERE peer=$p AND state=0 LIMIT $n)", ct,
                    ("$p", peer), ("$n", Math.Max(0, maxPoolUnits - wrappedUnits.Count + 1)));
            }
        }
        if (available + wrappedUnits.Count > maxPoolUnits)
        {
            return AddBlockResult.PoolFull;
        }
        return await WriteAsync(async c =>
        {
            if (await ScalarAsync(c, "SELECT COUNT(*) FROM blocks WHERE peer=$p AND block_id=$b", ct, ("$p", peer), ("$b", blockId.ToString("D"))) > 0)
            {
                return (AddBlockResult.Duplicate, false);
            }
            await ExecAsync(c, "INSERT INTO blocks(peer, block_id, arrived_ms, units) VALUES($p, $b, $t, $n)", ct,
                ("$p", peer), ("$b", blockId.ToString("D")), ("$t", ms), ("$n", wrappedUnits.Count));
            var insert = Prepared(c, "INSERT INTO units(peer, block_id, idx, state, arrived_ms, changed_ms, material) VALUES($p, $b, $i, 0, $t, $t, $m)");
            insert.Parameters.AddWithValue("$p", peer);
            insert.Parameters.AddWithValue("$b", blockId.ToString("D"));
            var idx = insert.Parameters.Add("$i", SqliteType.Integer);
            insert.Parameters.AddWithValue("$t", ms);
            var material = insert.Parameters.Add("$m", SqliteType.Blob);
            for (var i = 0; i < wrappedUnits.Count; i++)
            {
                idx.Value = i;
                material.Value = wrappedUnits[i];
                await insert.ExecuteNonQueryAsync(ct);
            }
            return (AddBlockResult.Added, true);
        }, ct);
    }

    public async Task<IReadOnlyList<StoredUnit>?> ReserveUnitsAsync(string peer, int count, bool newestFirst, Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await WriteAsync<IReadOnlyList<StoredUnit>?>(c =>
        {
            ct.ThrowIfCancellationRequested();
            var reserve = Raw(c, newestFirst ? ReserveNewest : ReserveOldest);
            reserve.Start().Bind(1, reservationId).Bind(2, ms).BindText(3, peer).Bind(4, count);
            var units = new List<StoredUnit>(count);
            while (reserve.Step())
            {
                units.Add(new StoredUnit(new UnitRef(reserve.Guid(1), (int)reserve.Int64(2)), reserve.Int64(0), reserve.Blob(3)));
            }
            reserve.Finish();
            if (units.Count < count)
            {
                return Task.FromResult<(IReadOnlyList<StoredUnit>?, bool)>((null, false));
            }
            units.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            return Task.FromResult<(IReadOnlyList<StoredUnit>?, bool)>((units, true));
        }, ct);
    }

    // A reservation (and a lease, which starts as one) changes state, reservation and changed_ms: with the indexes of
    // InitializeAsync only units_pool and the partial units_reserved see it, not the age index ("Measured", tenth round).
    private const string ReserveOldest = """
        UPDATE units SET state=1, reservation=?1, changed_ms=?2
        WHERE seq IN (SELECT seq FROM units WHERE peer=?3 AND state=0 ORDER BY seq ASC LIMIT ?4)
        RETURNING seq, block_id, idx, material
        """;

    private const string ReserveNewest = """
        UPDATE units SET state=1, reservation=?1, changed_ms=?2
        WHERE seq IN (SELECT seq FROM units WHERE peer=?3 AND state=0 ORDER BY seq DESC LIMIT ?4)
        RETURNING seq, block_id, idx, material
        """;

    public Task FinishReservationAsync(Guid reservationId, bool delivered, DateTimeOffset now, CancellationToken ct)
        => MoveReservedAsync(delivered ? DeliverSql : DiscardSql, reservationId, now, ct);

    internal const string DeliverSql = "UPDATE units SET state=2, material=NULL, changed_ms=?1 WHERE reservation=?2 AND state=1";
    internal const string DiscardSql = "UPDATE units SET state=3, material=NULL, changed_ms=?1 WHERE reservation=?2 AND state=1";

    public async Task<IReadOnlyList<byte[]>?> TakeUnitsAsync(string peer, IReadOnlyList<UnitRef> units, UnitState from, Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await WriteAsync(c =>
        {
            var taken = TakeInTransaction(c, peer, units, from, keysFromUnits, ms, ct);
            return Task.FromResult<(IReadOnlyList<byte[]>?, bool)>((taken, taken is not null));
        }, ct);
    }

    public async Task<IReadOnlyList<bool>> TakeUnitsBatchAsync(string peer, IReadOnlyList<UnitTake> takes, UnitState from, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await WriteAsync<IReadOnlyList<bool>>(c =>
        {
            var done = new bool[takes.Count];
            for (var i = 0; i < takes.Count; i++)
            {
                done[i] = TakeInTransaction(c, peer, takes[i].Units, from, takes[i].KeysFromUnits, ms, ct) is not null;
            }
            return Task.FromResult<(IReadOnlyList<bool>, bool)>((done, true));
        }, ct);
    }

    /// <summary>
    /// One take inside the caller's transaction on the writer connection <paramref name="c"/>; changes nothing and returns
    /// null when a unit is missing or not in state <paramref name="from"/>.
    /// </summary>
    private List<byte[]>? TakeInTransaction(SqliteConnection c, string peer, IReadOnlyList<UnitRef> units, UnitState from,
        Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, long ms, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var materials = new List<byte[]>(units.Count);
        var select = Raw(c, "SELECT material FROM units WHERE peer=?1 AND block_id=?2 AND idx=?3 AND state=?4");
        foreach (var u in units)
        {
            select.Start().BindText(1, peer).Bind(2, u.BlockId).Bind(3, u.Index).Bind(4, (int)from);
            var found = select.Step() && !select.IsNull(0);
            if (found)
            {
                materials.Add(select.Blob(0));
            }
            select.Finish();
            if (!found)
            {
                return null;
            }
        }
        var update = Raw(c, "UPDATE units SET state=5, material=NULL, changed_ms=?1 WHERE peer=?2 AND block_id=?3 AND idx=?4 AND state=?5");
        foreach (var u in units)
        {
            update.Start().Bind(1, ms).BindText(2, peer).Bind(3, u.BlockId).Bind(4, u.Index).Bind(5, (int)from).Execute();
        }
        update.Finish();
        var keys = keysFromUnits(materials);
        if (keys.Count > 0)
        {
            var insert = Raw(c, "INSERT INTO keys(key_id, master, slaves, size_bits, state, created_ms, changed_ms, material) VALUES(?1, ?2, ?3, ?4, 0, ?5, ?5, ?6)");
            try
            {
                foreach (var key in keys)
                {
                    insert.Start().Bind(1, key.KeyId).BindText(2, key.MasterSae).BindText(3, string.Join('\n', key.SlaveSaes)).Bind(4, key.SizeBits)
                        .Bind(5, ms).BindBlob(6, key.Material).Execute();
                }
            }
            finally
            {
                insert.Finish(); // the cached statement keeps no key material bound
            }
        }
        return materials;
    }

    public async Task<bool> KeyExistsAsync(Guid keyId, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        return await ScalarAsync(c, "SELECT COUNT(*) FROM keys WHERE key_id=$k", ct, ("$k", keyId.ToString("D"))) > 0;
    }

    public async Task<long> OwnedUnitsAsync(string peer, CancellationToken ct)
        => await WriteAsync(async c => (await ScalarAsync(c, "SELECT COUNT(*) FROM units WHERE peer=$p AND state=6", ct, ("$p", peer)), false), ct);

    public async Task<long> AvailableUnitsUpToAsync(string peer, long cap, CancellationToken ct)
        => await WriteAsync(async c => (await ScalarAsync(c, "SELECT COUNT(*) FROM (SELECT 1 FROM units WHERE peer=$p AND state=0 LIMIT $n)", ct, ("$p", peer), ("$n", cap)), false), ct);

    public async Task<TakeKeysResult> TakeKeysAsync(IReadOnlyList<Guid> keyIds, string masterSae, string callerSae, DateTimeOffset now, CancellationToken ct)
    {
        return await WriteAsync<TakeKeysResult>(async c =>
        {
            var pending = new Dictionary<Guid, PendingKey>(keyIds.Count);
            var select = Prepared(c, "SELECT master, slaves, size_bits, material FROM keys WHERE key_id=$k AND state=0");
            {
                var k = select.Parameters.Add("$k", SqliteType.Text);
                foreach (var id in keyIds)
                {
                    k.Value = id.ToString("D");
                    await using var r = await select.ExecuteReaderAsync(ct);
                    if (await r.ReadAsync(ct))
                    {
                        pending[id] = new PendingKey(id, r.GetString(0), r.GetString(1).Split('\n'), r.GetInt32(2), (byte[])r.GetValue(3));
                    }
                }
            }
            var decision = KeyAccessRule.Decide(keyIds, pending, masterSae, callerSae);
            if (decision is not TakeKeysResult.Taken)
            {
                return (decision, false);
            }
            var update = Prepared(c, "UPDATE keys SET state=1, material=NULL, changed_ms=$t WHERE key_id=$k AND state=0");
            {
                update.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
                var k = update.Parameters.Add("$k", SqliteType.Text);
                foreach (var id in keyIds)
                {
                    k.Value = id.ToString("D");
                    await update.ExecuteNonQueryAsync(ct);
                }
            }
            return (decision, true);
        }, ct);
    }

    public async Task<long> AvailableUnitsAsync(string peer, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        return await ScalarAsync(c, "SELECT COUNT(*) FROM units WHERE peer=$p AND state=0", ct, ("$p", peer));
    }

    public async Task<ExpiryResult> ExpireAsync(DateTimeOffset maxAgeCutoff, DateTimeOffset reservationCutoff, CancellationToken ct)
    {
        return await WriteAsync(async c =>
        {
            var age = maxAgeCutoff.ToUnixTimeMilliseconds();
            var units = await ExecAsync(c, ExpireUnitsSql, ct, ("$a", age));
            var keys = await ExecAsync(c, "UPDATE keys SET state=2, material=NULL WHERE state=0 AND created_ms < $a", ct, ("$a", age));
            var res = await ExecAsync(c, ExpireReservationsSql, ct, ("$r", reservationCutoff.ToUnixTimeMilliseconds()));
            return (new ExpiryResult(units, keys, res), true);
        }, ct);
    }

    public async Task<StoreCounts> CountsAsync(CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        var units = new Dictionary<(string, UnitState), long>();
        var keys = new Dictionary<KeyState, long>();
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT peer, state, COUNT(*) FROM units GROUP BY peer, state";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                units[(r.GetString(0), (UnitState)r.GetInt32(1))] = r.GetInt64(2);
            }
        }
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT state, COUNT(*) FROM keys GROUP BY state";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                keys[(KeyState)r.GetInt32(0)] = r.GetInt64(1);
            }
        }
        return new StoreCounts(units, keys);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _checkpointer;
        _stop.Dispose();
        // A write still in flight (a request racing the stop) holds the writer connection inside its transaction: wait
        // for it before the checkpoint, and refuse later writes (they would reopen the writer and leave a WAL behind).
        await _writeGate.WaitAsync();
        _disposed = true;
        foreach (var cmd in _prepared.Values)
        {
            await cmd.DisposeAsync();
        }
        foreach (var statement in _raw.Values)
        {
            statement.Dispose();
        }
        if (_writer is not null)
        {
            // A clean stop leaves no WAL behind: everything copied into the (secure_delete) database file, the WAL
            // truncated, and the pooled connections closed so that the last close removes the WAL and shm files.
            await using (var cmd = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE);", _writer))
            {
                await cmd.ExecuteNonQueryAsync();
            }
            await _writer.DisposeAsync();
        }
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }
        // The gate is released, not disposed: a writer waiting on it gets in, finds the store disposed and fails with
        // ObjectDisposedException, where a disposed semaphore would leave it waiting for ever.
        _writeGate.Release();
    }
}
