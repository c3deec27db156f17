using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

/// <summary>The partner thread that shares a message's frames (<see cref="FramePartner"/>): every frame runs exactly once.</summary>
public class FramePartnerTests
{
    /// <summary>Counts how often each item ran and on which threads.</summary>
    private sealed class CountingWork(int items, int spinPerItem) : FramePartner.IWork
    {
        public readonly int[] Runs = new int[items];
        public readonly HashSet<int> Threads = [];

        public void Run(int item)
        {
            Interlocked.Increment(ref Runs[item]);
            lock (Threads)
            {
                Threads.Add(Environment.CurrentManagedThreadId);
            }
            Thread.SpinWait(spinPerItem);
        }
    }

    private sealed class FailingWork(int failAt) : FramePartner.IWork
    {
        public int Completed;

        public void Run(int item)
        {
            if (item == failAt)
            {
                throw new InvalidDataException($"item {item}");
            }
            Interlocked.Increment(ref Completed);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Run_ManyBatches_EveryItemRunsExactlyOnce(int items)
    {
        using var partner = new FramePartner();
        for (var batch = 0; batch < 200; batch++)
        {
            var work = new CountingWork(items, spinPerItem: batch % 7 * 50);
            partner.Run(work, items);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        }
    }

    [Fact]
    public void Run_LongItems_SharedWithThePartnerThread()
    {
        if (!FramePartner.Useful)
        {
            return; // one core: the pipeline creates no partner there.
        }
        using var partner = new FramePartner();
        var shared = false;
        // The partner may be asleep when the first batches arrive; with items this long it joins within a few.
        for (var batch = 0; batch < 200 && !shared; batch++)
        {
            var work = new CountingWork(64, spinPerItem: 5_000);
            partner.Run(work, 64);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
            shared = work.Threads.Count == 2;
        }
        Assert.True(shared);
    }

    [Fact]
    public void Run_ItemThrows_RethrownOnTheCallerAfterTheOthersRan()
    {
        using var partner = new FramePartner();
        var work = new FailingWork(failAt: 17);
        Assert.Throws<InvalidDataException>(() => partner.Run(work, 40));
        Assert.Equal(39, work.Completed);
        // The partner is still usable afterwards.
        var next = new CountingWork(40, 0);
        partner.Run(next, 40);
        Assert.All(next.Runs, runs => Assert.Equal(1, runs));
    }

    [Fact]
    public async Task Run_TwoCallersAtOnce_BothCompleteEveryItem()
    {
        using var partner = new FramePartner();
        var works = new CountingWork[2][];
        var callers = Enumerable.Range(0, 2).Select(c => Task.Run(() =>
        {
            works[c] = new CountingWork[100];
            for (var batch = 0; batch < 100; batch++)
            {
                works[c][batch] = new CountingWork(32, 100);
                partner.Run(works[c][batch], 32);
            }
        })).ToArray();
        await Task.WhenAll(callers);
        Assert.All(works.SelectMany(w => w), w => Assert.All(w.Runs, runs => Assert.Equal(1, runs)));
    }
}
