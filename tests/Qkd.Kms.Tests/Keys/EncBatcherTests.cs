using Qkd.Kms.Keys;

namespace Qkd.Kms.Tests.Keys;

/// <summary>The group-commit queue without a store: every request gets its own outcome, groups stay within their bound.</summary>
public sealed class EncBatcherTests
{
    private static EncRequest Request(int i, int number) => new("SAE_A", ["SAE_C"], number, 256 + (8 * i));

    [Fact]
    public async Task Submit_ManyRequests_EachGetsTheOutcomeOfItsOwnRequest()
    {
        var groups = new System.Collections.Concurrent.ConcurrentBag<IReadOnlyList<EncRequest>>();
        var batcher = new EncBatcher((group, next, destination) =>
        {
            Assert.Equal(("KME_B", "KME_C"), (next, destination));
            groups.Add(group);
            IReadOnlyList<EncOutcome> outcomes = group.Select(r => (EncOutcome)new EncOutcome.Unavailable($"size {r.SizeBits} number {r.Number}")).ToList();
            return Task.FromResult(outcomes);
        });
        var random = new Random(14);
        var requests = Enumerable.Range(0, 200).Select(i => Request(i, random.Next(1, 100))).ToList();

        var outcomes = await Task.WhenAll(requests.Select(r => batcher.SubmitAsync(r, "KME_B", "KME_C", default)));
        batcher.Complete();

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal($"size {requests[i].SizeBits} number {requests[i].Number}", Assert.IsType<EncOutcome.Unavailable>(outcomes[i]).Reason);
        }
        Assert.Equal(requests.Count, groups.Sum(g => g.Count));
        Assert.All(groups, g => Assert.True(g.Count == 1 || g.Sum(r => r.Number) <= EncBatcher.MaxKeysPerGroup, $"a group of {g.Count} carried {g.Sum(r => r.Number)} keys"));
    }

    [Fact]
    public async Task Submit_GroupServiceThrows_EveryRequestOfTheGroupSeesTheException()
    {
        var batcher = new EncBatcher((_, _, _) => Task.FromException<IReadOnlyList<EncOutcome>>(new InvalidOperationException("store down")));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.SubmitAsync(Request(0, 1), "KME_B", "KME_C", default));

        Assert.Equal("store down", e.Message);
        batcher.Complete();
    }

    [Fact]
    public async Task Submit_AfterComplete_ThrowsObjectDisposed()
    {
        var batcher = new EncBatcher((g, _, _) => Task.FromResult<IReadOnlyList<EncOutcome>>([.. g.Select(_ => new EncOutcome.Served([]))]));
        Assert.IsType<EncOutcome.Served>(await batcher.SubmitAsync(Request(0, 1), "KME_B", "KME_C", default));
        batcher.Complete();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.SubmitAsync(Request(1, 1), "KME_B", "KME_C", default));
    }
}
