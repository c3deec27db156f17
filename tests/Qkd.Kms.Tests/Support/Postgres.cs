namespace Qkd.Kms.Tests.Support;

/// <summary>The PostgreSQL the tests use; a missing QKD_TEST_PG is a failed test, never a skip.</summary>
public static class Postgres
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("QKD_TEST_PG") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "QKD_TEST_PG is not set. PostgreSQL tests need a server: run `source scripts/services.sh && ensure_services` " +
                "(installs and starts PostgreSQL on 127.0.0.1 and exports QKD_TEST_PG), then run the tests from that shell.");

    /// <summary>A fresh schema name for one test.</summary>
    public static string NewSchema() => "t" + Guid.NewGuid().ToString("N")[..16];
}
