using System.Net;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Relay;

/// <summary>Keys between KME_A and KME_C, which share no link, relayed through KME_B with one-time-pad hops (seed 003).</summary>
public sealed class TrustedRelayTests
{
    [Fact]
    public async Task Relay_AToCThroughB_SlaveGetsSameBytesAndEachHopConsumesItsOwnKey()
    {
        await using var t = await TestNetwork.StartAsync(kmes: 3, wrapKey: Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        await t.SupplyAsync(0, 1, 256 * 20);
        await t.SupplyAsync(1, 1, 256 * 20);
        using var a = t.Sae("SAE_A");
        using var c = t.Sae("SAE_C");

        var status = await a.GetAsync("/api/v1/keys/SAE_C/status");
        Assert.Equal("KME_C", status.Body.GetProperty("target_KME_ID").GetString());

        var enc = await a.EncKeysAsync("SAE_C", number: 3, size: 512);
        Assert.Equal(HttpStatusCode.OK, enc.Status);
        var dec = await c.DecKeysAsync("SAE_A", enc.Keys.Select(k => k.Id).ToArray());
        Assert.Equal(HttpStatusCode.OK, dec.Status);
        Assert.Equal(enc.Keys.Select(k => Convert.ToBase64String(k.Key)), dec.Keys.Select(k => Convert.ToBase64String(k.Key)));

        // Accounting: 3 keys x 2 units on each hop.
        var ca = await t.Host("KME_A").Store.CountsAsync(default);
        var cb = await t.Host("KME_B").Store.CountsAsync(default);
        var cc = await t.Host("KME_C").Store.CountsAsync(default);
        Assert.Equal(6, ca.UnitsIn("KME_B", UnitState.Delivered));
        Assert.Equal(6, cb.UnitsIn("KME_A", UnitState.Transferred));
        Assert.Equal(6, cb.UnitsIn("KME_C", UnitState.Delivered));
        Assert.Equal(6, cc.UnitsIn("KME_B", UnitState.Transferred));
        Assert.Equal(3, t.Host("KME_B").Metrics.KeysRelayed.WithLabels("KME_C").Value);
        Assert.Equal(6, t.Host("KME_B").Metrics.UnitsConsumed.WithLabels("KME_A", "relay").Value);
        Assert.Equal(6, t.Host("KME_B").Metrics.UnitsConsumed.WithLabels("KME_C", "relay").Value);
        var metrics = await a.GetTextAsync("/metrics");
        Assert.Contains("qkd_kms_pool_units{peer=\"KME_B\",kme=\"KME_A\"} 14", metrics, StringComparison.Ordinal);

        // The relayed key is not the hop key: B's pad bytes never equal the delivered key.
        Assert.Equal(HttpStatusCode.BadRequest, (await c.DecKeysAsync("SAE_A", enc.Keys[0].Id)).Status);
    }

    [Fact]
    public async Task Relay_SecondHopEmpty_Returns503AndNoKeyReachesC()
    {
        await using var t = await TestNetwork.StartAsync(kmes: 3);
        await t.SupplyAsync(0, 1, 256 * 4);
        using var a = t.Sae("SAE_A");
        using var c = t.Sae("SAE_C");

        var r = await a.EncKeysAsync("SAE_C");

        Assert.Equal((HttpStatusCode)503, r.Status);
        var ca = await t.Host("KME_A").Store.CountsAsync(default);
        Assert.Equal(1, ca.UnitsIn("KME_B", UnitState.Discarded));
        Assert.Equal(0, (await t.Host("KME_C").Store.CountsAsync(default)).Keys.Values.Sum());
    }

    [Fact]
    public async Task Relay_ReverseDirection_CAsMasterToAWorks()
    {
        await using var t = await TestNetwork.StartAsync(kmes: 3);
        await t.SupplyAsync(0, 1, 256 * 4);
        await t.SupplyAsync(1, 1, 256 * 4);
        using var a = t.Sae("SAE_A");
        using var c = t.Sae("SAE_C");
        var enc = await c.EncKeysAsync("SAE_A", 2);
        var dec = await a.DecKeysAsync("SAE_C", enc.Keys.Select(k => k.Id).ToArray());
        Assert.Equal(enc.Keys.Select(k => Convert.ToBase64String(k.Key)), dec.Keys.Select(k => Convert.ToBase64String(k.Key)));
    }
}
