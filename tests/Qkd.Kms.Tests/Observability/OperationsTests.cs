using System.Net;
using System.Text.Json;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Observability;

/// <summary>/healthz, the OpenAPI document, Prometheus metrics, the audit log, and no key material in any log.</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task RoundTrip_LogsAndAuditNeverContainKeyMaterial()
    {
        var logs = new CapturedLogs();
        await using var t = await TestNetwork.StartAsync(logs: logs);
        await t.SupplyAsync(0, 1, 256 * 16);
        using var a = t.Sae("SAE_A");
        using var b = t.Sae("SAE_B");
        var enc = await a.EncKeysAsync("SAE_B", 4, 256);
        var dec = await b.DecKeysAsync("SAE_A", enc.Keys.Select(k => k.Id).ToArray());
        Assert.Equal(HttpStatusCode.OK, dec.Status);
        await b.DecKeysAsync("SAE_A", enc.Keys[0].Id); // an error path is logged too

        var text = string.Join("\n", logs.Lines) + File.ReadAllText(Path.Combine(t.Dir, "kme_a-audit.jsonl")) + File.ReadAllText(Path.Combine(t.Dir, "kme_b-audit.jsonl"));
        Assert.Contains(enc.Keys[0].Id, text, StringComparison.Ordinal);
        foreach (var (_, key) in enc.Keys)
        {
            Assert.DoesNotContain(Convert.ToBase64String(key), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(key)[..12], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(key)[..16], text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task AuditLog_RecordsEveryDeliveryWithKeyIdsSaesAndTime()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 8);
        using var a = t.Sae("SAE_A");
        using var b = t.Sae("SAE_B");
        var enc = await a.EncKeysAsync("SAE_B", 2);
        await b.DecKeysAsync("SAE_A", enc.Keys.Select(k => k.Id).ToArray());

        var master = JsonDocument.Parse(File.ReadLines(Path.Combine(t.Dir, "kme_a-audit.jsonl")).Single()).RootElement;
        var slave = JsonDocument.Parse(File.ReadLines(Path.Combine(t.Dir, "kme_b-audit.jsonl")).Single()).RootElement;
        Assert.Equal("enc_keys", master.GetProperty("operation").GetString());
        Assert.Equal("dec_keys", slave.GetProperty("operation").GetString());
        Assert.Equal("SAE_B", slave.GetProperty("sae").GetString());
        Assert.Equal(enc.Keys.Select(k => k.Id), master.GetProperty("key_IDs").EnumerateArray().Select(e => e.GetString()));
        Assert.True(master.TryGetProperty("time", out _));
    }

    [Fact]
    public async Task HealthzOpenApiAndMetrics_AreServed()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 8);
        using var a = t.Sae("SAE_A");
        await a.EncKeysAsync("SAE_B");

        var health = await a.GetAsync("/healthz");
        Assert.Equal("ok", health.Body.GetProperty("status").GetString());
        Assert.Equal(7, health.Body.GetProperty("pool_units").GetProperty("KME_B").GetInt64());

        var openapi = JsonDocument.Parse(await a.GetTextAsync("/openapi/v1.json")).RootElement;
        var paths = openapi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/keys/{slave_SAE_ID}/status", paths);
        Assert.Contains("/api/v1/keys/{slave_SAE_ID}/enc_keys", paths);
        Assert.Contains("/api/v1/keys/{master_SAE_ID}/dec_keys", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/kme", StringComparison.Ordinal));

        var metrics = await a.GetTextAsync("/metrics");
        foreach (var name in new[] { "qkd_kms_units_stored_total", "qkd_kms_keys_served_total", "qkd_kms_pool_units", "qkd_kms_request_duration_seconds_bucket", "qkd_kms_keys_expired_total" })
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }
        Assert.Contains("qkd_kms_keys_served_total{role=\"master\",kme=\"KME_A\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyWrapping_MaterialAtRestIsNotThePlainKey()
    {
        var wrap = Enumerable.Repeat((byte)7, 32).ToArray();
        await using var t = await TestNetwork.StartAsync(wrapKey: wrap);
        await t.SupplyAsync(0, 1, 256 * 4);
        using var a = t.Sae("SAE_A");
        using var b = t.Sae("SAE_B");
        var enc = await a.EncKeysAsync("SAE_B", 2);
        var bytes = File.ReadAllBytes(Path.Combine(t.Dir, "kme_b.db")).Concat(File.Exists(Path.Combine(t.Dir, "kme_b.db-wal")) ? File.ReadAllBytes(Path.Combine(t.Dir, "kme_b.db-wal")) : []).ToArray();
        foreach (var (_, key) in enc.Keys)
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(key.AsSpan(0, 16)));
        }
        var dec = await b.DecKeysAsync("SAE_A", enc.Keys.Select(k => k.Id).ToArray());
        Assert.Equal(enc.Keys[1].Key, dec.Keys[1].Key);
    }
}
