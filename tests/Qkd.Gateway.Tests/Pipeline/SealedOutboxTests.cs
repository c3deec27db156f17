using Qkd.Gateway.Pipeline;

namespace Qkd.Gateway.Tests.Pipeline;

/// <summary>Store-and-forward: the spool keeps sealed messages in order across a restart and forgets them once acknowledged.</summary>
public sealed class SealedOutboxTests
{
    [Fact]
    public async Task Spool_SurvivesARestart_InOrder_AndAcknowledgedMessagesAreGone()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-spool-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var first = new SealedOutbox(8, dir))
            {
                for (var i = 0; i < 5; i++)
                {
                    await first.EnqueueAsync("qkd/sealed/SAE_A/d", [(byte)i, 42], CancellationToken.None);
                }
                var (_, p0) = await first.PeekAsync(CancellationToken.None);
                Assert.Equal([0, 42], p0);
                first.Acknowledge();
            }
            using var second = new SealedOutbox(8, dir);
            Assert.Equal(4, second.Recovered);
            Assert.Equal(4, Directory.GetFiles(dir).Length);
            for (var i = 1; i < 5; i++)
            {
                var (topic, p) = await second.PeekAsync(CancellationToken.None);
                Assert.Equal("qkd/sealed/SAE_A/d", topic);
                Assert.Equal([(byte)i, 42], p);
                second.Acknowledge();
            }
            await second.EnqueueAsync("t", [9], CancellationToken.None);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Full_EnqueueWaits_UntilAMessageIsAcknowledged()
    {
        using var box = new SealedOutbox(2);
        await box.EnqueueAsync("t", [1], CancellationToken.None);
        await box.EnqueueAsync("t", [2], CancellationToken.None);
        Assert.True(box.IsFull);
        var third = box.EnqueueAsync("t", [3], CancellationToken.None);
        Assert.False(third.IsCompleted);
        await box.PeekAsync(CancellationToken.None);
        box.Acknowledge();
        await third;
        Assert.Equal(2, box.Count);
    }
}
