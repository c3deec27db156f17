using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Qkd.Kms.Storage;

namespace Qkd.Benchmarks.Kms;

/// <summary>
/// What a key lease costs the SQLite store's one writer (docs/kms.md "Measured", tenth round), on a pool of 100,000
/// units: 256 units reserved and returned to the pool (the same two state changes as a lease's reserve and confirm,
/// in two transactions, so the pool never drains), and 256 named units granted to the peer, one statement each in
/// one transaction (the peer's side of a lease; they go back to the pool outside the timing). Parameter: the
/// former indexes (<c>units_age(state, arrived_ms)</c>, <c>units_reservation(reservation) WHERE reservation IS NOT
/// NULL</c>) put back into the store, against the partial indexes it now creates, in the same run.
/// </summary>
[MemoryDiagnoser]
public class LeaseStoreBenchmarks
{
    private const int PoolUnits = 100_000;
    private const int LeaseUnits = 256;
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private string _dir = null!;
    private SqliteKeyStore _store = null!;
    private List<UnitRef> _grant = null!;

    [Params("former", "partial")]
    public string Indexes { get; set; } = "partial";

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("qkd-lease-bench").FullName;
        var path = Path.Combine(_dir, "kme.db");
        _store = new SqliteKeyStore(path);
        _store.InitializeAsync(false, default).GetAwaiter().GetResult();
        for (var b = 0; b < PoolUnits / 10_000; b++)
        {
            var units = Enumerable.Range(0, 10_000).Select(i => RandomUnit()).ToList();
            _store.AddBlockAsync("KME_B", Guid.NewGuid(), units, long.MaxValue, T0, default).GetAwaiter().GetResult();
            _store.AddBlockAsync("KME_A", Guid.NewGuid(), units, long.MaxValue, T0, default).GetAwaiter().GetResult();
        }
        if (Indexes == "former")
        {
            using var c = new SqliteConnection($"Data Source={path}");
            c.Open();
            using var cmd = new SqliteCommand("""
                DROP INDEX units_live; DROP INDEX units_reserved;
                CREATE INDEX units_age ON units(state, arrived_ms);
                CREATE INDEX units_reservation ON units(reservation) WHERE reservation IS NOT NULL;
                """, c);
            cmd.ExecuteNonQuery();
        }
        var r = Guid.NewGuid();
        _grant = _store.ReserveUnitsAsync("KME_A", LeaseUnits, true, r, T0, default).GetAwaiter().GetResult()!.Select(u => u.Ref).ToList();
        _store.ReleaseReservationAsync(r, T0, default).GetAwaiter().GetResult();
    }

    private static byte[] RandomUnit() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(60);

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    /// <summary>Reserve 256 units (Available to Reserved) and move them back (Reserved to Available): two transactions.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ReserveAndReturn()
    {
        var lease = Guid.NewGuid();
        var units = await _store.ReserveUnitsAsync("KME_B", LeaseUnits, false, lease, T0, default);
        await _store.ReleaseReservationAsync(lease, T0, default);
        return units!.Count;
    }

    /// <summary>The granted units go back to Available (outside the timing), so every grant finds them available.</summary>
    [IterationSetup(Target = nameof(Grant))]
    public void ReturnGranted()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_dir, "kme.db")}");
        c.Open();
        using var cmd = new SqliteCommand("UPDATE units SET state=0 WHERE state=7", c);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The peer's side of a lease: 256 named units Available to Leased, one statement each, in one transaction.</summary>
    [Benchmark]
    public async Task<bool> Grant() => await _store.GrantLeaseAsync("KME_A", _grant, T0, default);
}
