using Microsoft.Data.Sqlite;
using Qkd.Gateway.Sensors;

namespace Qkd.Gateway.Edge;

/// <summary>
/// The edge time-series store on the receiving side (seed 002 used InfluxDB on the edge node; the embedded
/// default here is one SQLite file): one row per decrypted sample with the device, the measurement time,
/// the arrival time and the ID of the QKD key it was sealed under (never the key).
/// </summary>
public sealed class EdgeStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly SqliteCommand _insert;
    private readonly Lock _gate = new();

    /// <summary>One stored row.</summary>
    public sealed record Row(string Device, uint Index, long TimestampUnixUs, long ReceivedUnixUs, float VoltageV, float CurrentA, float ActivePowerW, Guid KeyId);

    public EdgeStore(string path)
    {
        Path = path;
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        using (var setup = _db.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS samples (
                  device TEXT NOT NULL, idx INTEGER NOT NULL, t_us INTEGER NOT NULL, received_us INTEGER NOT NULL,
                  voltage_v REAL NOT NULL, current_a REAL NOT NULL, power_w REAL NOT NULL, key_id TEXT NOT NULL,
                  PRIMARY KEY (device, idx, t_us));
                """;
            setup.ExecuteNonQuery();
        }
        _insert = _db.CreateCommand();
        _insert.CommandText = "INSERT OR IGNORE INTO samples VALUES ($d, $i, $t, $r, $v, $c, $p, $k)";
        foreach (var name in new[] { "$d", "$i", "$t", "$r", "$v", "$c", "$p", "$k" })
        {
            _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    public string Path { get; }

    /// <summary>Stores one sample; false when the same (device, index, time) is already stored.</summary>
    public bool Write(string device, PowerSample sample, long receivedUnixUs, Guid keyId)
    {
        lock (_gate)
        {
            var p = _insert.Parameters;
            p[0].Value = device;
            p[1].Value = (long)sample.Index;
            p[2].Value = sample.TimestampUnixUs;
            p[3].Value = receivedUnixUs;
            p[4].Value = (double)sample.VoltageV;
            p[5].Value = (double)sample.CurrentA;
            p[6].Value = (double)sample.ActivePowerW;
            p[7].Value = keyId.ToString();
            return _insert.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>All rows, ordered by device and measurement time.</summary>
    public IReadOnlyList<Row> ReadAll()
    {
        lock (_gate)
        {
            using var q = _db.CreateCommand();
            q.CommandText = "SELECT device, idx, t_us, received_us, voltage_v, current_a, power_w, key_id FROM samples ORDER BY device, t_us";
            using var r = q.ExecuteReader();
            var rows = new List<Row>();
            while (r.Read())
            {
                rows.Add(new Row(r.GetString(0), (uint)r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), (float)r.GetDouble(4), (float)r.GetDouble(5),
                    (float)r.GetDouble(6), Guid.Parse(r.GetString(7))));
            }
            return rows;
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _db.Dispose();
    }
}
