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
        await ExecAsync(c, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA secure_delete=ON;", ct);
        return c;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one BEGIN IMMEDIATE transaction on the one writer connection
    /// (writes are serialised anyway; keeping it open saves an open and two pragmas per transaction).
    /// BEGIN, COMMIT and ROLLBACK are prepared statements run through SQLitePCL: Microsoft.Data.Sqlite's
    /// transaction object ran each as a new command with its reader (7 % of the bytes a key request allocated,
    /// docs/kms.md "Measured", tenth round). Commands of the work run on the connection as it is, inside it.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<(T Result, bool Commit)>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null)
            {
                _writer = await OpenAsync(ct);
                await ExecAsync(_writer, "PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-65536; PRAGMA journal_size_limit=67108864;", ct);
            }
            var c = _writer;
            Run(c, "BEGIN IMMEDIATE");
            var open = true;
            try
            {
                var (result, commit) = await work(c);
                Run(c, commit ? "COMMIT" : "ROLLBACK");
                open = false;
                if (commit)
                {
                    Interlocked.Increment(ref _commits);
                }
                return result;
            }
            finally
            {
                if (open && c.Handle is { } db && SQLitePCL.raw.sqlite3_get_autocommit(db) == 0)
                {
                    Run(c, "ROLLBACK");
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs a cached statement that takes no parameter and returns no row.</summary>
    private void Run(SqliteConnection c, string sql)
    {
        var statement = Raw(c, sql);
        statement.Start().Execute();
        statement.Finish();
    }

    /// <summary>A statement prepared once on the writer connection and reused (callers hold the write gate).</summary>
    private SqliteCommand Prepared(SqliteConnection c, string sql)
    {
        if (!_prepared.TryGetValue(sql, out var cmd))
        {
            cmd = c.CreateCommand();
            cmd.CommandText = sql;
            _prepared[sql] = cmd;
        }
        cmd.Parameters.Clear();
        return cmd;
    }

    /// <summary>
    /// A statement prepared once on the writer connection whose parameters are created once too, in the order
    /// given; callers set <c>Parameters[i].Value</c> (on the request path: no parameter objects per call).
    /// A parameter that carried key material is set back to null by its caller, so the cache holds none.
    /// </summary>
    private SqliteCommand Reused(SqliteConnection c, string sql, params ReadOnlySpan<(string Name, SqliteType Type)> parameters)
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

    private async Task<int> ExecAsync(SqliteConnection c, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        // Cached on the writer connection (inside WriteAsync); a command of any other connection is disposed after use.
        var cached = ReferenceEquals(c, _writer);
        var cmd = cached ? Prepared(c, sql) : new SqliteCommand(sql, c);
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
            if (!cached)
            {
                await cmd.DisposeAsync();
            }
        }
    }

    private async Task<long> ScalarAsync(SqliteConnection c, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        // Cached on the writer connection (inside WriteAsync); a command of any other connection is disposed after use.
        var cached = ReferenceEquals(c, _writer);
        var cmd = cached ? Prepared(c, sql) : new SqliteCommand(sql, c);
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
            if (!cached)
            {
                await cmd.DisposeAsync();
            }
        }
    }
}
