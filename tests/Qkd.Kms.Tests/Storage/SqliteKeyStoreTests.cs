using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Storage;

public sealed class SqliteKeyStoreTests : KeyStoreContract
{
    private readonly TempDir _dir = new();

    protected override Task<IKeyStore> CreateAsync() => Task.FromResult<IKeyStore>(new SqliteKeyStore(_dir.File("kme.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>
    /// A commit every few hundred microseconds never leaves the background checkpoint a fully copied
    /// WAL, so SQLite never restarted it (1.2 GB in 50 s at 1,000 req/s): the checkpointer must hold
    /// the writer for a moment once the log is long, and the log must start over.
    /// </summary>
    [Fact]
    public async Task ContinuousCommits_WalRestartsAndStaysBounded()
    {
        var store = (SqliteKeyStore)Store;
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await store.AddBlockAsync("P", Guid.NewGuid(), Enumerable.Range(0, 20_000).Select(i => new byte[] { (byte)i, 1, 2, 3 }).ToList(), 100_000, t0, default);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var commits = 0;
        while (store.WalRestarts < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the WAL never restarted in {commits} commits");
            var r = Guid.NewGuid();
            Assert.NotNull(await store.ReserveUnitsAsync("P", 1, commits % 2 == 0, r, t0, default));
            await store.FinishReservationAsync(r, true, t0, default);
            commits += 2;
        }

        await using var probe = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("kme.db")}");
        await probe.OpenAsync();
        await using var cmd = new Microsoft.Data.Sqlite.SqliteCommand("PRAGMA wal_checkpoint(PASSIVE);", probe);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.InRange(reader.GetInt64(1), 0, 2L * SqliteKeyStore.RestartFrames);
    }

    /// <summary>
    /// The sweeps and the lease statements must find their rows through an index: with 10^5 units per pool a scan of
    /// the table would hold the one writer for milliseconds every sweep (the age index is partial, on units that still
    /// hold material, so a reservation or a lease no longer moves entries in it).
    /// </summary>
    [Theory]
    [InlineData(SqliteKeyStore.ExpireUnitsSql)]
    [InlineData(SqliteKeyStore.ExpireReservationsSql)]
    [InlineData(SqliteKeyStore.RecoverReservationsSql)]
    [InlineData(SqliteKeyStore.ReleaseSql)]
    [InlineData(SqliteKeyStore.ConfirmSql)]
    [InlineData(SqliteKeyStore.DeliverSql)]
    [InlineData(SqliteKeyStore.DiscardSql)]
    public async Task SweepAndLeaseStatements_FindTheirRowsThroughAnIndex(string sql)
    {
        await using var probe = await OpenProbeAsync();
        await using var cmd = new Microsoft.Data.Sqlite.SqliteCommand("EXPLAIN QUERY PLAN " + sql, probe);
        foreach (var name in new[] { "$a", "$r", "?1", "?2" }.Where(sql.Contains))
        {
            cmd.Parameters.AddWithValue(name, 0);
        }
        var plan = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }
        Assert.NotEmpty(plan);
        Assert.All(plan, step => Assert.Contains("USING", step));
    }

    [Fact]
    public async Task Initialize_StoreWithTheFormerIndexes_ReplacesThemByThePartialOnes()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var path = _dir.File("old.db");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await using var create = new Microsoft.Data.Sqlite.SqliteCommand("""
                CREATE TABLE units(seq INTEGER PRIMARY KEY AUTOINCREMENT, peer TEXT NOT NULL, block_id TEXT NOT NULL, idx INTEGER NOT NULL,
                  state INTEGER NOT NULL, reservation TEXT, arrived_ms INTEGER NOT NULL, changed_ms INTEGER NOT NULL, material BLOB,
                  UNIQUE(peer, block_id, idx));
                CREATE INDEX units_age ON units(state, arrived_ms);
                CREATE INDEX units_reservation ON units(reservation) WHERE reservation IS NOT NULL;
                """, old);
            await create.ExecuteNonQueryAsync();
        }
        await using (var store = new SqliteKeyStore(path))
        {
            await store.InitializeAsync(false, default);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var probe = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        await probe.OpenAsync();
        await using var list = new Microsoft.Data.Sqlite.SqliteCommand("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='units' AND sql IS NOT NULL ORDER BY name", probe);
        var names = new List<string>();
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }
        Assert.Equal(["units_live", "units_pool", "units_reserved"], names);
    }

    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenProbeAsync()
    {
        var probe = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("kme.db")}");
        await probe.OpenAsync();
        return probe;
    }
}
