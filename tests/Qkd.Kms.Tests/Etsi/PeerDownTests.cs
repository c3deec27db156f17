using System.Net;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Etsi;

/// <summary>What happens when the slave's KME cannot confirm: no key is served that the other side cannot serve.</summary>
public sealed class PeerDownTests
{
    /// <summary>No lease yet: the lease request to the dead peer fails, its reserved units are discarded (half the pool, docs/kms.md "Key leases").</summary>
    [Fact]
    public async Task EncKeys_PeerKmeDown_Returns503AndDiscardsTheReservedUnits()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 10);
        using var a = t.Sae("SAE_A");
        await t.Host("KME_B").DisposeAsync();

        var r = await a.EncKeysAsync("SAE_B", 2);

        Assert.Equal((HttpStatusCode)503, r.Status);
        Assert.Contains("KME_B did not confirm", r.Message, StringComparison.Ordinal);
        var counts = await t.Host("KME_A").Store.CountsAsync(default);
        Assert.Equal(5, counts.UnitsIn("KME_B", UnitState.Discarded));
        Assert.Equal(5, counts.UnitsIn("KME_B", UnitState.Available));
        Assert.Equal(0, counts.UnitsIn("KME_B", UnitState.Delivered) + counts.UnitsIn("KME_B", UnitState.Owned));
    }

    [Fact]
    public async Task ExpiredKeys_AreNotServedAndAreCounted()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var t = await TestNetwork.StartAsync(keys: new Config.KeyPolicyConfig { MaxAgeSeconds = 600 }, time: clock);
        await t.SupplyAsync(0, 1, 256 * 4);
        using var a = t.Sae("SAE_A");
        using var b = t.Sae("SAE_B");
        var enc = await a.EncKeysAsync("SAE_B");
        Assert.True(await t.Host("KME_A").Keys.FlushNoticesAsync("KME_B", default));

        clock.Advance(TimeSpan.FromSeconds(601));
        var swept = await t.Host("KME_B").Keys.SweepAsync(default);

        Assert.Equal(1, swept.KeysExpired);
        Assert.Equal(3, swept.UnitsExpired);
        var r = await b.DecKeysAsync("SAE_A", enc.Keys[0].Id);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal((HttpStatusCode)503, (await b.EncKeysAsync("SAE_A")).Status);
    }

    /// <summary>
    /// Units already leased: the key served while the peer has just died is in A's durable outbox and
    /// B holds its units as Leased, so B can serve it when it is back; once A sees the peer fail, it
    /// serves nothing more towards it.
    /// </summary>
    [Fact]
    public async Task PeerDiesAfterLease_KeyIsKeptForThePeerAndFurtherRequestsGet503()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 10);
        using var a = t.Sae("SAE_A");
        Assert.Equal(HttpStatusCode.OK, (await a.EncKeysAsync("SAE_B")).Status);
        Assert.True(await t.Host("KME_A").Keys.FlushNoticesAsync("KME_B", default));
        await t.Host("KME_B").DisposeAsync();

        var whileUnknown = await a.EncKeysAsync("SAE_B");
        var flushed = await t.Host("KME_A").Keys.FlushNoticesAsync("KME_B", default);
        var afterFailure = await a.EncKeysAsync("SAE_B");

        Assert.Equal(HttpStatusCode.OK, whileUnknown.Status);
        Assert.False(flushed);
        Assert.Equal((HttpStatusCode)503, afterFailure.Status);
        Assert.Contains("KME_B is unreachable", afterFailure.Message, StringComparison.Ordinal);
        var notice = Assert.Single(await t.Host("KME_A").Store.ReadOutboxAsync("KME_B", 10, default));
        Assert.Contains(whileUnknown.Keys[0].Id, System.Text.Encoding.UTF8.GetString(notice.Payload), StringComparison.Ordinal);
        var counts = await t.Host("KME_A").Store.CountsAsync(default);
        Assert.Equal(2, counts.UnitsIn("KME_B", UnitState.Delivered));
    }
}
