using Npgsql;

namespace Qkd.Kms.Storage;

/// <summary>
/// PostgreSQL key store (Npgsql). Several KME processes with the same KME ID may share one schema
/// (scale-out): reservations take rows with FOR UPDATE SKIP LOCKED, retrievals lock the rows they
/// read, so two processes never move the same unit or key out of its state twice.
/// </summary>
public sealed class PostgresKeyStore : IKeyStore
{
    private readonly NpgsqlDataSource _db;
    private readonly string _s;

    public PostgresKeyStore(string connectionString, string? schema)
    {
        _db = NpgsqlDataSource.Create(connectionString);
        _s = schema ?? "public";
    }

    public async Task InitializeAsync(bool recoverAllReservations, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        // Serialise concurrent first starts of several processes on one schema.
        await ExecAsync(c, null, "SELECT pg_advisory_lock(hashtext($1))", ct, _s);
        try
        {
            await ExecAsync(c, null, $"""
                CREATE SCHEMA IF NOT EXISTS {_s};
                CREATE TABLE IF NOT EXISTS {_s}.units(
                  seq BIGSERIAL PRIMARY KEY, peer TEXT NOT NULL, block_id UUID NOT NULL, idx INT NOT NULL,
                  state INT NOT NULL, reservation UUID, arrived TIMESTAMPTZ NOT NULL, changed TIMESTAMPTZ NOT NULL, material BYTEA,
                  UNIQUE(peer, block_id, idx));
                CREATE INDEX IF NOT EXISTS units_pool ON {_s}.units(peer, state, seq);
                CREATE INDEX IF NOT EXISTS units_age ON {_s}.units(state, arrived);
                CREATE INDEX IF NOT EXISTS units_reservation ON {_s}.units(reservation) WHERE reservation IS NOT NULL;
                CREATE TABLE IF NOT EXISTS {_s}.blocks(peer TEXT NOT NULL, block_id UUID NOT NULL, arrived TIMESTAMPTZ NOT NULL, units INT NOT NULL,
                  PRIMARY KEY(peer, block_id));
                CREATE TABLE IF NOT EXISTS {_s}.keys(
                  key_id UUID PRIMARY KEY, master TEXT NOT NULL, slaves TEXT[] NOT NULL, size_bits INT NOT NULL,
                  state INT NOT NULL, created TIMESTAMPTZ NOT NULL, changed TIMESTAMPTZ NOT NULL, material BYTEA);
                CREATE INDEX IF NOT EXISTS keys_age ON {_s}.keys(state, created);
                CREATE TABLE IF NOT EXISTS {_s}.outbox(seq BIGSERIAL PRIMARY KEY, peer TEXT NOT NULL, payload BYTEA NOT NULL, created TIMESTAMPTZ NOT NULL);
                CREATE INDEX IF NOT EXISTS outbox_peer ON {_s}.outbox(peer, seq);
                """, ct);
            if (recoverAllReservations)
            {
                await ExecAsync(c, null, $"UPDATE {_s}.units SET state=3, material=NULL WHERE state=1", ct);
            }
        }
        finally
        {
            await ExecAsync(c, null, "SELECT pg_advisory_unlock(hashtext($1))", ct, _s);
        }
    }

    public async Task<AddBlockResult> AddBlockAsync(string peer, Guid blockId, IReadOnlyList<byte[]> wrappedUnits, long maxPoolUnits, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var available = await ScalarAsync(c, tx, $"SELECT COUNT(*) FROM {_s}.units WHERE peer=$1 AND state=0", ct, peer);
        if (available + wrappedUnits.Count > maxPoolUnits)
        {
            return AddBlockResult.PoolFull;
        }
        if (await ExecAsync(c, tx, $"INSERT INTO {_s}.blocks(peer, block_id, arrived, units) VALUES($1, $2, $3, $4) ON CONFLICT DO NOTHING", ct,
                peer, blockId, now, wrappedUnits.Count) == 0)
        {
            return AddBlockResult.Duplicate;
        }
        var idx = new int[wrappedUnits.Count];
        for (var i = 0; i < idx.Length; i++)
        {
            idx[i] = i;
        }
        await ExecAsync(c, tx, $"""
            INSERT INTO {_s}.units(peer, block_id, idx, state, arrived, changed, material)
            SELECT $1, $2, u.i, 0, $3, $3, u.m FROM unnest($4::int[], $5::bytea[]) AS u(i, m)
            """, ct, peer, blockId, now, idx, wrappedUnits.ToArray());
        await tx.CommitAsync(ct);
        return AddBlockResult.Added;
    }

    public async Task<IReadOnlyList<StoredUnit>?> ReserveUnitsAsync(string peer, int count, bool newestFirst, Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE {_s}.units SET state=1, reservation=$1, changed=$2
            WHERE seq IN (SELECT seq FROM {_s}.units WHERE peer=$3 AND state=0 ORDER BY seq {(newestFirst ? "DESC" : "ASC")} LIMIT $4 FOR UPDATE SKIP LOCKED)
            RETURNING seq, block_id, idx, material
            """, c, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = reservationId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now });
        cmd.Parameters.Add(new NpgsqlParameter { Value = peer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = count });
        var units = new List<StoredUnit>(count);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                units.Add(new StoredUnit(new UnitRef(r.GetGuid(1), r.GetInt32(2)), r.GetInt64(0), (byte[])r.GetValue(3)));
            }
        }
        if (units.Count < count)
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        await tx.CommitAsync(ct);
        units.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return units;
    }

    public async Task FinishReservationAsync(Guid reservationId, bool delivered, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await ExecAsync(c, null, $"UPDATE {_s}.units SET state=$1, material=NULL, changed=$2 WHERE reservation=$3 AND state=1", ct,
            (int)(delivered ? UnitState.Delivered : UnitState.Discarded), now, reservationId);
    }

    public async Task<IReadOnlyList<byte[]>?> TakeUnitsAsync(string peer, IReadOnlyList<UnitRef> units, UnitState from, Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var taken = await TakeInTransactionAsync(c, tx, peer, units, from, keysFromUnits, now, ct);
        if (taken is null)
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        await tx.CommitAsync(ct);
        return taken;
    }

    public async Task<IReadOnlyList<bool>> TakeUnitsBatchAsync(string peer, IReadOnlyList<UnitTake> takes, UnitState from, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var done = new bool[takes.Count];
        for (var i = 0; i < takes.Count; i++)
        {
            done[i] = await TakeInTransactionAsync(c, tx, peer, takes[i].Units, from, takes[i].KeysFromUnits, now, ct) is not null;
        }
        await tx.CommitAsync(ct);
        return done;
    }

    /// <summary>One take inside the caller's transaction; changes nothing and returns null when a unit is missing or not in state <paramref name="from"/>.</summary>
    private async Task<IReadOnlyList<byte[]>?> TakeInTransactionAsync(NpgsqlConnection c, NpgsqlTransaction tx, string peer, IReadOnlyList<UnitRef> units, UnitState from,
        Func<IReadOnlyList<byte[]>, IReadOnlyList<PendingKey>> keysFromUnits, DateTimeOffset now, CancellationToken ct)
    {
        var blocks = units.Select(u => u.BlockId).ToArray();
        var idx = units.Select(u => u.Index).ToArray();
        var byRef = new Dictionary<UnitRef, byte[]>(units.Count);
        await using (var select = new NpgsqlCommand($"""
            SELECT block_id, idx, material FROM {_s}.units
            WHERE peer=$1 AND state=$4 AND (block_id, idx) IN (SELECT * FROM unnest($2::uuid[], $3::int[]))
            ORDER BY seq FOR UPDATE
            """, c, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = peer });
            select.Parameters.Add(new NpgsqlParameter { Value = blocks });
            select.Parameters.Add(new NpgsqlParameter { Value = idx });
            select.Parameters.Add(new NpgsqlParameter { Value = (int)from });
            await using var r = await select.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                byRef[new UnitRef(r.GetGuid(0), r.GetInt32(1))] = (byte[])r.GetValue(2);
            }
        }
        var materials = new List<byte[]>(units.Count);
        foreach (var u in units)
        {
            if (!byRef.TryGetValue(u, out var m))
            {
                return null;
            }
            materials.Add(m);
        }
        await ExecAsync(c, tx, $"""
            UPDATE {_s}.units SET state=5, material=NULL, changed=$1
            WHERE peer=$2 AND state=$5 AND (block_id, idx) IN (SELECT * FROM unnest($3::uuid[], $4::int[]))
            """, ct, now, peer, blocks, idx, (int)from);
        var keys = keysFromUnits(materials);
        if (keys.Count > 0)
        {
            await ExecAsync(c, tx, $"""
                INSERT INTO {_s}.keys(key_id, master, slaves, size_bits, state, created, changed, material)
                SELECT k, $2, string_to_array(s, E'\n'), z, 0, $1, $1, m FROM unnest($3::uuid[], $4::text[], $5::int[], $6::bytea[]) AS u(k, s, z, m)
                """, ct, now, keys[0].MasterSae, keys.Select(k => k.KeyId).ToArray(), keys.Select(k => string.Join('\n', k.SlaveSaes)).ToArray(),
                keys.Select(k => k.SizeBits).ToArray(), keys.Select(k => k.Material).ToArray());
        }
        return materials;
    }

    public async Task ReleaseReservationAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await ExecAsync(c, null, $"UPDATE {_s}.units SET state=0, reservation=NULL, changed=$1 WHERE reservation=$2 AND state=1", ct, now, reservationId);
    }

    public async Task ConfirmLeaseAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await ExecAsync(c, null, $"UPDATE {_s}.units SET state=6, changed=$1 WHERE reservation=$2 AND state=1", ct, now, reservationId);
    }

    public async Task<bool> GrantLeaseAsync(string peer, IReadOnlyList<UnitRef> units, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await ExecAsync(c, tx, $"""
            UPDATE {_s}.units SET state=7, changed=$1
            WHERE peer=$2 AND state=0 AND (block_id, idx) IN (SELECT * FROM unnest($3::uuid[], $4::int[]))
            """, ct, now, peer, units.Select(u => u.BlockId).ToArray(), units.Select(u => u.Index).ToArray());
        if (changed != units.Count)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<StoredUnit>?> TakeOwnedAsync(string peer, int count, Func<IReadOnlyList<StoredUnit>, byte[]> notice, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var units = new List<StoredUnit>(count);
        await using (var select = new NpgsqlCommand($"SELECT seq, block_id, idx, material FROM {_s}.units WHERE peer=$1 AND state=6 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED", c, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = peer });
            select.Parameters.Add(new NpgsqlParameter { Value = count });
            await using var r = await select.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                units.Add(new StoredUnit(new UnitRef(r.GetGuid(1), r.GetInt32(2)), r.GetInt64(0), (byte[])r.GetValue(3)));
            }
        }
        if (units.Count < count)
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        await ExecAsync(c, tx, $"UPDATE {_s}.units SET state=2, material=NULL, changed=$1 WHERE seq = ANY($2)", ct, now, units.Select(u => u.Sequence).ToArray());
        await ExecAsync(c, tx, $"INSERT INTO {_s}.outbox(peer, payload, created) VALUES($1, $2, $3)", ct, peer, notice(units), now);
        await tx.CommitAsync(ct);
        return units;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string peer, int max, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT seq, payload FROM {_s}.outbox WHERE peer=$1 ORDER BY seq LIMIT $2", c);
        cmd.Parameters.Add(new NpgsqlParameter { Value = peer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = max });
        var entries = new List<OutboxEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            entries.Add(new OutboxEntry(r.GetInt64(0), (byte[])r.GetValue(1)));
        }
        return entries;
    }

    public async Task DeleteOutboxAsync(IReadOnlyList<long> sequences, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await ExecAsync(c, null, $"DELETE FROM {_s}.outbox WHERE seq = ANY($1)", ct, sequences.ToArray());
    }

    public async Task<bool> KeyExistsAsync(Guid keyId, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        return await ScalarAsync(c, null, $"SELECT COUNT(*) FROM {_s}.keys WHERE key_id=$1", ct, keyId) > 0;
    }

    public async Task<long> AvailableUnitsUpToAsync(string peer, long cap, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        return await ScalarAsync(c, null, $"SELECT COUNT(*) FROM (SELECT 1 FROM {_s}.units WHERE peer=$1 AND state=0 LIMIT $2) AS a", ct, peer, cap);
    }

    public async Task<long> OwnedUnitsAsync(string peer, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        return await ScalarAsync(c, null, $"SELECT COUNT(*) FROM {_s}.units WHERE peer=$1 AND state=6", ct, peer);
    }

    public async Task<TakeKeysResult> TakeKeysAsync(IReadOnlyList<Guid> keyIds, string masterSae, string callerSae, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var rows = new Dictionary<Guid, PendingKey>();
        await using (var select = new NpgsqlCommand($"SELECT key_id, master, slaves, size_bits, material FROM {_s}.keys WHERE key_id = ANY($1) AND state=0 ORDER BY key_id FOR UPDATE", c, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = keyIds.ToArray() });
            await using var r = await select.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                rows[r.GetGuid(0)] = new PendingKey(r.GetGuid(0), r.GetString(1), (string[])r.GetValue(2), r.GetInt32(3), (byte[])r.GetValue(4));
            }
        }
        var decision = KeyAccessRule.Decide(keyIds, rows, masterSae, callerSae);
        if (decision is not TakeKeysResult.Taken)
        {
            await tx.RollbackAsync(ct);
            return decision;
        }
        await ExecAsync(c, tx, $"UPDATE {_s}.keys SET state=1, material=NULL, changed=$1 WHERE key_id = ANY($2) AND state=0", ct, now, keyIds.ToArray());
        await tx.CommitAsync(ct);
        return decision;
    }

    public async Task<long> AvailableUnitsAsync(string peer, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        return await ScalarAsync(c, null, $"SELECT COUNT(*) FROM {_s}.units WHERE peer=$1 AND state=0", ct, peer);
    }

    public async Task<ExpiryResult> ExpireAsync(DateTimeOffset maxAgeCutoff, DateTimeOffset reservationCutoff, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var units = await ExecAsync(c, tx, $"UPDATE {_s}.units SET state=4, material=NULL WHERE state IN (0, 6, 7) AND arrived < $1", ct, maxAgeCutoff);
        var keys = await ExecAsync(c, tx, $"UPDATE {_s}.keys SET state=2, material=NULL WHERE state=0 AND created < $1", ct, maxAgeCutoff);
        var res = await ExecAsync(c, tx, $"UPDATE {_s}.units SET state=3, material=NULL WHERE state=1 AND changed < $1", ct, reservationCutoff);
        await tx.CommitAsync(ct);
        return new ExpiryResult(units, keys, res);
    }

    public async Task<StoreCounts> CountsAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        var units = new Dictionary<(string, UnitState), long>();
        var keys = new Dictionary<KeyState, long>();
        await using (var cmd = new NpgsqlCommand($"SELECT peer, state, COUNT(*) FROM {_s}.units GROUP BY peer, state", c))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                units[(r.GetString(0), (UnitState)r.GetInt32(1))] = r.GetInt64(2);
            }
        }
        await using (var cmd = new NpgsqlCommand($"SELECT state, COUNT(*) FROM {_s}.keys GROUP BY state", c))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                keys[(KeyState)r.GetInt32(0)] = r.GetInt64(1);
            }
        }
        return new StoreCounts(units, keys);
    }

    /// <summary>Drops this store's schema (tests only).</summary>
    internal async Task DropAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct);
        await ExecAsync(c, null, $"DROP SCHEMA IF EXISTS {_s} CASCADE", ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static async Task<int> ExecAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        }
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        }
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
