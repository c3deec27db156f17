using Microsoft.Data.Sqlite;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Storage;

/// <summary>
/// The store's allocation-free statements (<see cref="RawStatement"/>) read and write the same column encodings as
/// its Microsoft.Data.Sqlite statements: a GUID as its 36-character "D" text, names as UTF-8 text, material as a blob.
/// </summary>
public sealed class RawStatementTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void GuidTextAndBlob_RoundTripBetweenBothKindsOfStatement()
    {
        using var c = Open("CREATE TABLE t(id TEXT, name TEXT, n INTEGER, material BLOB)");
        var id = Guid.NewGuid();
        using (var insert = new RawStatement(c, "INSERT INTO t VALUES(?1, ?2, ?3, ?4)"))
        {
            Assert.Equal(1, insert.Start().Bind(1, id).BindText(2, "SAE_Ä").Bind(3, 42).BindBlob(4, new byte[] { 1, 2, 3 }).Execute());
            insert.Finish();
        }
        // Written raw, read by Microsoft.Data.Sqlite with the key the other statements use.
        using (var check = new SqliteCommand("SELECT name, n, material FROM t WHERE id=$id", c))
        {
            check.Parameters.AddWithValue("$id", id.ToString("D"));
            using var r = check.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal("SAE_Ä", r.GetString(0));
            Assert.Equal(42, r.GetInt64(1));
            Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])r.GetValue(2));
        }
        // Written by Microsoft.Data.Sqlite, read raw.
        var other = Guid.NewGuid();
        using (var insert = new SqliteCommand("INSERT INTO t VALUES($id, 'x', 7, NULL)", c))
        {
            insert.Parameters.AddWithValue("$id", other.ToString("D"));
            insert.ExecuteNonQuery();
        }
        using var read = new RawStatement(c, "SELECT id, n, material FROM t WHERE name=?1");
        read.Start().BindText(1, "x");
        Assert.True(read.Step());
        Assert.Equal(other, read.Guid(0));
        Assert.Equal(7, read.Int64(1));
        Assert.True(read.IsNull(2));
        Assert.False(read.Step());
        read.Finish();
    }

    [Fact]
    public void AConstraintViolation_ThrowsSqliteException()
    {
        using var c = Open("CREATE TABLE u(id INTEGER PRIMARY KEY)");
        using var insert = new RawStatement(c, "INSERT INTO u VALUES(?1)");
        insert.Start().Bind(1, 5).Execute();
        Assert.Throws<SqliteException>(() => insert.Start().Bind(1, 5).Execute());
    }

    private SqliteConnection Open(string schema)
    {
        var c = new SqliteConnection($"Data Source={_dir.File("raw.db")}");
        c.Open();
        using var create = new SqliteCommand(schema, c);
        create.ExecuteNonQuery();
        return c;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
