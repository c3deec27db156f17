using Microsoft.Data.Sqlite;

namespace Qkd.Kms.Storage;

// Connections, the one-writer transaction and prepared commands of the SQLite store.
public sealed partial class SqliteKeyStore
{
    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(ct);
        // secure_delete: a wiped material column or a deleted row is overwritten with zeros in its page, not left in free space.
        await ExecAsync(c, null, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA secure_delete=ON;", ct);
        return c;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one BEGIN IMMEDIATE transaction on the one writer connection
    /// (writes are serialised anyway; keeping it open saves an open and two pragmas per transaction).
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<(T Result, bool Commit)>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null)
            {
                _writer = await OpenAsync(ct);
                await ExecAsync(_writer, null, "PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-65536; PRAGMA journal_size_limit=67108864;", ct);
            }
            var c = _writer;
            await using var tx = c.BeginTransaction(deferred: false);
            var (result, commit) = await work(c, tx);
            if (commit)
            {
                await tx.CommitAsync(ct);
                Interlocked.Increment(ref _commits);
            }
            else
            {
                await tx.RollbackAsync(ct);
            }
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>A statement prepared once on the writer connection and reused (callers hold the write gate).</summary>
    private SqliteCommand Prepared(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        if (!_prepared.TryGetValue(sql, out var cmd))
        {
            cmd = c.CreateCommand();
            cmd.CommandText = sql;
            _prepared[sql] = cmd;
        }
        cmd.Transaction = tx;
        cmd.Parameters.Clear();
        return cmd;
    }

    /// <summary>
    /// A statement prepared once on the writer connection whose parameters are created once too, in the order
    /// given; callers set <c>Parameters[i].Value</c> (on the request path: no parameter objects per call).
    /// A parameter that carried key material is set back to null by its caller, so the cache holds none.
    /// </summary>
    private SqliteCommand Reused(SqliteConnection c, SqliteTransaction tx, string sql, params ReadOnlySpan<(string Name, SqliteType Type)> parameters)
    {
        if (!_prepared.TryGetValue(sql, out var cmd))
        {
            cmd = c.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                cmd.Parameters.Add(name, type);
            }
            _prepared[sql] = cmd;
        }
        cmd.Transaction = tx;
        return cmd;
    }

    private readonly Dictionary<string, RawStatement> _raw = new(StringComparer.Ordinal);

    /// <summary>A statement prepared once on the writer connection and run through SQLitePCL (callers hold the write gate).</summary>
    private RawStatement Raw(SqliteConnection c, string sql)
    {
        if (!_raw.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(c, sql);
            _raw[sql] = statement;
        }
        return statement;
    }

    private async Task<int> ExecAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        var cmd = tx is null ? new SqliteCommand(sql, c) : Prepared(c, tx, sql);
        try
        {
            foreach (var (name, value) in args)
            {
                cmd.Parameters.AddWithValue(name, value);
            }
            return await cmd.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (tx is null)
            {
                await cmd.DisposeAsync();
            }
        }
    }

    private async Task<long> ScalarAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        var cmd = tx is null ? new SqliteCommand(sql, c) : Prepared(c, tx, sql);
        try
        {
            foreach (var (name, value) in args)
            {
                cmd.Parameters.AddWithValue(name, value);
            }
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            if (tx is null)
            {
                await cmd.DisposeAsync();
            }
        }
    }
}
