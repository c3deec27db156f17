using System.Net;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Concurrency;

/// <summary>
/// Group commit of enc_keys (docs/kms.md "Group commit"): concurrent requests of one SAE pair share one
/// reservation and one KME-to-KME transfer, yet every key still goes to exactly one master request and
/// can be fetched exactly once by the slave; a group the pool cannot cover falls back to single requests.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task ConcurrentEncKeys_AreGroupedAndEveryKeyIsServedExactlyOnce()
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
        var groups = t.Host("KME_A").Metrics.GroupRequests.WithLabels("KME_B");
        Assert.Equal(200, groups.Sum);
        Assert.True(groups.Count < 200, $"200 concurrent requests were served by {groups.Count} groups: some must have been coalesced");

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
    }

    [Fact]
    public async Task GroupLargerThanThePool_ServesRequestsSinglyUntilThePoolIsShort()
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
