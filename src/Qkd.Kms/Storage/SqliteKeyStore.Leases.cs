using Microsoft.Data.Sqlite;

namespace Qkd.Kms.Storage;

// Key leases (release, confirm, grant, take owned units with their notice) and the notice outbox of the SQLite store.
public sealed partial class SqliteKeyStore
{
    public async Task ReleaseReservationAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        await WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE units SET state=0, reservation=NULL, changed_ms=$t WHERE reservation=$r AND state=1", ct,
                ("$t", now.ToUnixTimeMilliseconds()), ("$r", reservationId.ToString("D")));
            return (0, true);
        }, ct);
    }

    public async Task ConfirmLeaseAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        await WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE units SET state=6, changed_ms=$t WHERE reservation=$r AND state=1", ct,
                ("$t", now.ToUnixTimeMilliseconds()), ("$r", reservationId.ToString("D")));
            return (0, true);
        }, ct);
    }

    public async Task<bool> GrantLeaseAsync(string peer, IReadOnlyList<UnitRef> units, DateTimeOffset now, CancellationToken ct)
    {
        return await WriteAsync(async (c, tx) =>
        {
            var update = Prepared(c, tx, "UPDATE units SET state=7, changed_ms=$t WHERE peer=$p AND block_id=$b AND idx=$i AND state=0");
            update.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$p", peer);
            var b = update.Parameters.Add("$b", SqliteType.Text);
            var i = update.Parameters.Add("$i", SqliteType.Integer);
            var changed = 0;
            foreach (var u in units)
            {
                b.Value = u.BlockId.ToString("D");
                i.Value = u.Index;
                changed += await update.ExecuteNonQueryAsync(ct);
            }
            return changed == units.Count ? (true, true) : (false, false);
        }, ct);
    }

    public async Task<IReadOnlyList<StoredUnit>?> TakeOwnedAsync(string peer, int count, Func<IReadOnlyList<StoredUnit>, byte[]> notice, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await WriteAsync<IReadOnlyList<StoredUnit>?>(async (c, tx) =>
        {
            var take = Reused(c, tx, """
                UPDATE units SET state=2, changed_ms=$t
                WHERE seq IN (SELECT seq FROM units WHERE peer=$p AND state=6 ORDER BY seq LIMIT $n)
                RETURNING seq, block_id, idx, material
                """, ("$t", SqliteType.Integer), ("$p", SqliteType.Text), ("$n", SqliteType.Integer));
            take.Parameters[0].Value = ms;
            take.Parameters[1].Value = peer;
            take.Parameters[2].Value = count;
            var units = new List<StoredUnit>(count);
            await using (var r = await take.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    units.Add(new StoredUnit(new UnitRef(Guid.Parse(r.GetString(1)), r.GetInt32(2)), r.GetInt64(0), (byte[])r.GetValue(3)));
                }
            }
            if (units.Count < count)
            {
                return (null, false);
            }
            units.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            var wipe = Reused(c, tx, "UPDATE units SET material=NULL WHERE seq=$s", ("$s", SqliteType.Integer));
            var seq = wipe.Parameters[0];
            foreach (var u in units)
            {
                seq.Value = u.Sequence;
                await wipe.ExecuteNonQueryAsync(ct);
            }
            var append = Reused(c, tx, "INSERT INTO outbox(peer, payload, created_ms) VALUES($p, $x, $t)",
                ("$p", SqliteType.Text), ("$x", SqliteType.Blob), ("$t", SqliteType.Integer));
            append.Parameters[0].Value = peer;
            append.Parameters[1].Value = notice(units);
            append.Parameters[2].Value = ms;
            await append.ExecuteNonQueryAsync(ct);
            return (units, true);
        }, ct);
    }

    public async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string peer, int max, CancellationToken ct)
    {
        // On the writer connection: a pooled reader would have to drop its page cache at every read,
        // because the writer changed the file since (measured: a visible share of the CPU at 1,000 req/s).
        return await WriteAsync<IReadOnlyList<OutboxEntry>>(async (c, tx) =>
        {
            var read = Reused(c, tx, "SELECT seq, payload FROM outbox WHERE peer=$p ORDER BY seq LIMIT $n", ("$p", SqliteType.Text), ("$n", SqliteType.Integer));
            read.Parameters[0].Value = peer;
            read.Parameters[1].Value = max;
            var entries = new List<OutboxEntry>();
            await using (var r = await read.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    entries.Add(new OutboxEntry(r.GetInt64(0), (byte[])r.GetValue(1)));
                }
            }
            return (entries, false);
        }, ct);
    }

    public async Task DeleteOutboxAsync(IReadOnlyList<long> sequences, CancellationToken ct)
    {
        await WriteAsync(async (c, tx) =>
        {
            var delete = Reused(c, tx, "DELETE FROM outbox WHERE seq=$s", ("$s", SqliteType.Integer));
            var seq = delete.Parameters[0];
            foreach (var s in sequences)
            {
                seq.Value = s;
                await delete.ExecuteNonQueryAsync(ct);
            }
            return (0, true);
        }, ct);
    }
}
