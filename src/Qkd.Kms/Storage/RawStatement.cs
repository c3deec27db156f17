using System.Buffers.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Qkd.Kms.Storage;

/// <summary>
/// A statement prepared once on the SQLite store's writer connection and run through SQLitePCL directly: binding,
/// stepping and reading a row allocate nothing (Microsoft.Data.Sqlite allocates a reader, a statement enumerator and
/// a binder per parameter on every execution: about a quarter of the KME's allocations at 1,000 key requests/s,
/// docs/kms.md "Ninth round"). Runs inside the transaction its caller holds on the same connection; callers hold
/// the writer gate, so one statement is never used by two threads at once.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    /// <summary>Resets the statement for a new execution and clears its parameters (1-based, as SQLite numbers them).</summary>
    public RawStatement Start()
    {
        raw.sqlite3_reset(_stmt);
        raw.sqlite3_clear_bindings(_stmt);
        return this;
    }

    public RawStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_stmt, index, value));
        return this;
    }

    /// <summary>Binds UTF-8 text (SQLite copies it).</summary>
    public RawStatement BindText(int index, ReadOnlySpan<byte> utf8)
    {
        Check(raw.sqlite3_bind_text(_stmt, index, utf8));
        return this;
    }

    /// <summary>Binds a string as UTF-8 (through the stack for the short names the store binds).</summary>
    public RawStatement BindText(int index, string value)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = System.Text.Encoding.UTF8.GetBytes(value, buffer);
        return BindText(index, buffer[..length]);
    }

    /// <summary>Binds a GUID as the store writes it (36 characters, "D" format) without a string.</summary>
    public RawStatement Bind(int index, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out _, "D");
        return BindText(index, text);
    }

    /// <summary>Binds a blob (SQLite copies it; the caller may wipe its buffer right after the step).</summary>
    public RawStatement BindBlob(int index, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_blob(_stmt, index, value));
        return this;
    }

    /// <summary>Runs to the next row: true with a row to read, false when done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }
        raw.sqlite3_reset(_stmt);
        SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    /// <summary>Runs a statement that returns no row; returns the rows it changed.</summary>
    public int Execute()
    {
        while (Step())
        {
        }
        return raw.sqlite3_changes(_db);
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_stmt, column);

    /// <summary>Whether the column of the current row is NULL.</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    /// <summary>The column as a new array (key material leaves SQLite's buffer here, once).</summary>
    public byte[] Blob(int column) => raw.sqlite3_column_blob(_stmt, column).ToArray();

    /// <summary>A GUID column written in the "D" format.</summary>
    public Guid Guid(int column) => Utf8Parser.TryParse(raw.sqlite3_column_blob(_stmt, column), out Guid g, out _, 'D')
        ? g
        : throw new InvalidDataException("a GUID column of the key store does not hold a GUID");

    /// <summary>Releases the statement's bindings (no key material stays bound between executions).</summary>
    public void Finish() => Start();

    public void Dispose() => _stmt.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
