using System.Net;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Concurrency;

/// <summary>
/// Concurrent enc_keys on a direct link, served from leased units (docs/kms.md "Key leases"): every key
/// goes to exactly one master request and can be fetched exactly once by the slave; a pool that cannot
/// cover every request serves exactly as many as it can and discards nothing; requests that queue behind an
/// earlier one are served together (group commit).
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task ConcurrentEncKeys_EveryKeyIsServedExactlyOnceAndNoticedToThePeer()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 4, 256L * 1000 / 4);
        using var a = t.Sae("SAE_A");
        using var b = t.Sae("SAE_B");
        var rnd = new Random(21);
        var numbers = Enumerable.Range(0, 200).Select(_ => rnd.Next(1, 4)).ToList();

        var replies = await Task.WhenAll(numbers.Select(n => a.EncKeysAsync("SAE_B", number: n, size: 256)));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(numbers, replies.Select(r => r.Keys.Count));
        var keys = replies.SelectMany(r => r.Keys).ToList();
        Assert.Equal(keys.Count, keys.Select(k => k.Id).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(k => Convert.ToBase64String(k.Key)).Distinct().Count());

        foreach (var (id, key) in keys)
        {
            var first = await b.DecKeysAsync("SAE_A", id);
            Assert.Equal(HttpStatusCode.OK, first.Status);
            Assert.Equal(key, Assert.Single(first.Keys).Key);
            Assert.Equal(HttpStatusCode.BadRequest, (await b.DecKeysAsync("SAE_A", id)).Status);
        }
        var ca = await t.Host("KME_A").Store.CountsAsync(default);
        var cb = await t.Host("KME_B").Store.CountsAsync(default);
        Assert.Equal(keys.Count, ca.UnitsIn("KME_B", UnitState.Delivered));
        Assert.Equal(keys.Count, cb.UnitsIn("KME_A", UnitState.Transferred));
        Assert.Equal(0, ca.UnitsIn(UnitState.Reserved) + ca.UnitsIn(UnitState.Discarded));
        // Units leased to A but not used yet are Owned at A and Leased at B, unit for unit.
        Assert.Equal(ca.UnitsIn("KME_B", UnitState.Owned), cb.UnitsIn("KME_A", UnitState.Leased));
    }

    [Fact]
    public async Task ConcurrentEncKeys_QueuedBehindAnEarlierTransaction_AreServedTogether()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 4, 256L * 1000 / 4);
        using var a = t.Sae("SAE_A");

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => a.EncKeysAsync("SAE_B", number: 1, size: 256)));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        // Every request is counted in exactly one group; requests that waited while another held the pair's turn
        // (the first one leases from the peer first) were served by one transaction, so there are fewer groups.
        var groups = t.Host("KME_A").Metrics.GroupRequests.WithLabels("KME_B");
        Assert.Equal(200, groups.Sum);
        Assert.InRange(groups.Count, 1, 199);
    }

    [Fact]
    public async Task MoreRequestsThanThePool_ServesExactlyThePoolAndDiscardsNothing()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256L * 10);
        using var a = t.Sae("SAE_A");

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => a.EncKeysAsync("SAE_B", number: 1, size: 256)));

        // Ten units, one key each: exactly ten requests are served, the rest get 503, nothing is discarded.
        Assert.Equal(10, replies.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal((HttpStatusCode)503, r.Status));
        var ca = await t.Host("KME_A").Store.CountsAsync(default);
        Assert.Equal(10, ca.UnitsIn("KME_B", UnitState.Delivered));
        Assert.Equal(0, ca.UnitsIn(UnitState.Discarded) + ca.UnitsIn(UnitState.Reserved));
    }
}
