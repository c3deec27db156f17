namespace Qkd.Kms.Storage;

// Key leases (release, confirm, grant, take owned units with their notice) and the notice outbox of the SQLite store.
public sealed partial class SqliteKeyStore
{
    public Task ReleaseReservationAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct)
        => MoveReservedAsync(ReleaseSql, reservationId, now, ct);

    public Task ConfirmLeaseAsync(Guid reservationId, DateTimeOffset now, CancellationToken ct)
        => MoveReservedAsync(ConfirmSql, reservationId, now, ct);

    internal const string ReleaseSql = "UPDATE units SET state=0, reservation=NULL, changed_ms=?1 WHERE reservation=?2 AND state=1";
    internal const string ConfirmSql = "UPDATE units SET state=6, changed_ms=?1 WHERE reservation=?2 AND state=1";

    /// <summary>One statement over a reservation's units (?1 the time, ?2 the reservation), in its own transaction.</summary>
    private async Task MoveReservedAsync(string sql, Guid reservationId, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await WriteAsync(c =>
        {
            ct.ThrowIfCancellationRequested();
            var move = Raw(c, sql);
            move.Start().Bind(1, ms).Bind(2, reservationId).Execute();
            move.Finish();
            return Task.FromResult((0, true));
        }, ct);
    }

    public async Task<bool> GrantLeaseAsync(string peer, IReadOnlyList<UnitRef> units, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await WriteAsync(c =>
        {
            ct.ThrowIfCancellationRequested();
            var update = Raw(c, "UPDATE units SET state=7, changed_ms=?1 WHERE peer=?2 AND block_id=?3 AND idx=?4 AND state=0");
            var changed = 0;
            foreach (var u in units)
            {
                changed += update.Start().Bind(1, ms).BindText(2, peer).Bind(3, u.BlockId).Bind(4, u.Index).Execute();
            }
            update.Finish();
            return Task.FromResult(changed == units.Count ? (true, true) : (false, false));
        }, ct);
    }

    public async Task<IReadOnlyList<StoredUnit>?> TakeOwnedAsync(string peer, int count, Func<IReadOnlyList<StoredUnit>, byte[]> notice, DateTimeOffset now, CancellationToken ct)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await WriteAsync<IReadOnlyList<StoredUnit>?>(c =>
        {
            ct.ThrowIfCancellationRequested();
            // SQLite returns the new values of an UPDATE, so the material is read first and wiped by the update.
            var read = Raw(c, "SELECT seq, block_id, idx, material FROM units WHERE peer=?1 AND state=6 ORDER BY seq LIMIT ?2");
            read.Start().BindText(1, peer).Bind(2, count);
            var units = new List<StoredUnit>(count);
            while (read.Step())
            {
                units.Add(new StoredUnit(new UnitRef(read.Guid(1), (int)read.Int64(2)), read.Int64(0), read.Blob(3)));
            }
            read.Finish();
            if (units.Count < count)
            {
                return Task.FromResult<(IReadOnlyList<StoredUnit>?, bool)>((null, false));
            }
            var take = Raw(c, "UPDATE units SET state=2, material=NULL, changed_ms=?1 WHERE seq=?2 AND state=6");
            foreach (var u in units)
            {
                take.Start().Bind(1, ms).Bind(2, u.Sequence).Execute();
            }
            take.Finish();
            var append = Raw(c, "INSERT INTO outbox(peer, payload, created_ms) VALUES(?1, ?2, ?3)");
            append.Start().BindText(1, peer).BindBlob(2, notice(units)).Bind(3, ms).Execute();
            append.Finish();
            return Task.FromResult<(IReadOnlyList<StoredUnit>?, bool)>((units, true));
        }, ct);
    }

    public async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string peer, int max, CancellationToken ct)
    {
        // On the writer connection: a pooled reader would have to drop its page cache at every read,
        // because the writer changed the file since (measured: a visible share of the CPU at 1,000 req/s).
        return await WriteAsync<IReadOnlyList<OutboxEntry>>(c =>
        {
            ct.ThrowIfCancellationRequested();
            var read = Raw(c, "SELECT seq, payload FROM outbox WHERE peer=?1 ORDER BY seq LIMIT ?2");
            read.Start().BindText(1, peer).Bind(2, max);
            var entries = new List<OutboxEntry>();
            while (read.Step())
            {
                entries.Add(new OutboxEntry(read.Int64(0), read.Blob(1)));
            }
            read.Finish();
            return Task.FromResult<(IReadOnlyList<OutboxEntry>, bool)>((entries, false));
        }, ct);
    }

    public async Task DeleteOutboxAsync(IReadOnlyList<long> sequences, CancellationToken ct)
    {
        await WriteAsync(c =>
        {
            ct.ThrowIfCancellationRequested();
            var delete = Raw(c, "DELETE FROM outbox WHERE seq=?1");
            foreach (var s in sequences)
            {
                delete.Start().Bind(1, s).Execute();
            }
            delete.Finish();
            return Task.FromResult((0, true));
        }, ct);
    }
}
