using Microsoft.Extensions.Time.Testing;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Pipeline;

/// <summary>Store-and-forward: the spool keeps sealed messages in order across a restart and forgets them once acknowledged.</summary>
public sealed class SealedOutboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Topic = "qkd/sealed/SAE_A/pac4200-1";

    /// <summary>Publishes the next due message as the publishing loop does (broker acknowledged) and returns it.</summary>
    private static SealedOutbox.Entry PublishNext(SealedOutbox box, DateTimeOffset now)
    {
        var e = box.NextToPublish(now, out _)!;
        Assert.NotNull(e);
        box.MarkPublished(e, now + TimeSpan.FromSeconds(1));
        return e;
    }

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
                Assert.Equal([0, 42], PublishNext(first, T0).Payload);
            }
            using var second = new SealedOutbox(8, dir);
            Assert.Equal(4, second.Recovered);
            Assert.Equal(4, Directory.GetFiles(dir).Length);
            for (var i = 1; i < 5; i++)
            {
                var e = PublishNext(second, T0);
                Assert.Equal("qkd/sealed/SAE_A/d", e.Topic);
                Assert.Equal([(byte)i, 42], e.Payload);
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
        PublishNext(box, T0);
        await third;
        Assert.Equal(2, box.Count);
    }

    /// <summary>Seals <paramref name="count"/> messages, one key epoch per entry of <paramref name="keySeeds"/>; each with its epoch's acknowledgement key.</summary>
    private static List<(byte[] Message, byte[] AckKey)> Sealed(int count, ulong seed, params ulong[] keySeeds)
    {
        using var sealer = new MessageSealer(SealingMode.AesGcm, "SAE_A", "pac4200-1", new KeyRefreshPolicy(TimeSpan.FromHours(1), count / keySeeds.Length));
        var messages = new List<(byte[], byte[])>();
        for (var i = 0; i < count; i++)
        {
            if (sealer.NeedsKey(T0, 24))
            {
                sealer.Install(TestKeys.Pair(keySeeds[i * keySeeds.Length / count], 256).Sender, T0);
            }
            messages.Add((sealer.Seal(TestKeys.Bytes(seed + (ulong)i, 24), T0), sealer.EpochAckKey!));
        }
        return messages;
    }

    [Fact]
    public async Task EdgeAck_KeepsAPublishedMessage_UntilAVerifiedAcknowledgement_AndPublishesItAgainWhenDue()
    {
        var messages = Sealed(3, 300, 31);
        using var box = new SealedOutbox(8);
        foreach (var (m, k) in messages)
        {
            await box.EnqueueAsync(Topic, m, k, CancellationToken.None);
        }
        var published = Enumerable.Range(0, 3).Select(_ => PublishNext(box, T0)).ToList();
        Assert.Equal(3, box.Count);
        Assert.Null(box.NextToPublish(T0, out var wakeAt));
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), wakeAt);

        var ackTopic = EdgeAck.TopicOf("SAE_A", "pac4200-1");
        var key = messages[0].AckKey;
        var genuine = EdgeAck.Create(ackTopic, published[1].KeyId, published[1].Sequence, key);
        var forged = EdgeAck.Create(ackTopic, published[0].KeyId, published[0].Sequence, EdgeAck.DeriveKey(new byte[32], published[0].KeyId));
        Assert.Equal(SealedOutbox.AckOutcome.Forged, box.Acknowledge(ackTopic, forged));
        Assert.Equal(SealedOutbox.AckOutcome.Forged, box.Acknowledge(EdgeAck.TopicOf("SAE_A", "other"), genuine)); // moved to another stream
        Assert.Equal(SealedOutbox.AckOutcome.Acknowledged, box.Acknowledge(ackTopic, genuine));
        Assert.Equal(SealedOutbox.AckOutcome.Unknown, box.Acknowledge(ackTopic, genuine));
        Assert.Equal(2, box.Count);

        // Due again: the same sealed bytes (never re-sealed), oldest first.
        var again = box.NextToPublish(T0 + TimeSpan.FromSeconds(1), out _)!;
        Assert.Same(messages[0].Message, again.Payload);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task EdgeAck_ANewKeyEpochWaits_UntilTheOldEpochIsFullyAcknowledged()
    {
        var messages = Sealed(4, 400, 41, 42);
        using var box = new SealedOutbox(8);
        foreach (var (m, k) in messages)
        {
            await box.EnqueueAsync(Topic, m, k, CancellationToken.None);
        }
        var e0 = PublishNext(box, T0);
        var e1 = PublishNext(box, T0);
        Assert.Null(box.NextToPublish(T0, out _)); // messages 2 and 3 are of the next epoch
        var ackTopic = EdgeAck.TopicOf("SAE_A", "pac4200-1");
        Assert.Equal(SealedOutbox.AckOutcome.Acknowledged, box.Acknowledge(ackTopic, EdgeAck.Create(ackTopic, e0.KeyId, e0.Sequence, messages[0].AckKey)));
        Assert.Null(box.NextToPublish(T0, out _));
        Assert.Equal(SealedOutbox.AckOutcome.Acknowledged, box.Acknowledge(ackTopic, EdgeAck.Create(ackTopic, e1.KeyId, e1.Sequence, messages[1].AckKey)));
        var e2 = box.NextToPublish(T0, out _)!;
        Assert.NotEqual(e0.KeyId, e2.KeyId);
        Assert.Equal(0UL, e2.Sequence);
    }

    [Fact]
    public async Task Spool_KeepsTheAcknowledgementKey_OwnerOnly_SoARestartedSenderStillAcceptsAcks()
    {
        Assert.False(OperatingSystem.IsWindows(), "file modes are a Unix property");
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var dir = Path.Combine(Path.GetTempPath(), "qkd-spool-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var messages = Sealed(2, 500, 51);
            using (var first = new SealedOutbox(8, dir))
            {
                foreach (var (m, k) in messages)
                {
                    await first.EnqueueAsync(Topic, m, k, CancellationToken.None);
                }
                PublishNext(first, T0);
            }
            foreach (var f in Directory.GetFiles(dir))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
            }
            using var second = new SealedOutbox(8, dir);
            var e = PublishNext(second, T0);
            Assert.Equal(messages[0].Message, e.Payload);
            var ackTopic = EdgeAck.TopicOf("SAE_A", "pac4200-1");
            Assert.Equal(SealedOutbox.AckOutcome.Acknowledged, second.Acknowledge(ackTopic, EdgeAck.Create(ackTopic, e.KeyId, e.Sequence, messages[0].AckKey)));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task WaitForChange_EndsWhenTheDueTimePasses_OnAFakeClock()
    {
        var time = new FakeTimeProvider(T0);
        using var box = new SealedOutbox(2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var wait = box.WaitForChangeAsync(T0 + TimeSpan.FromSeconds(4), time, cts.Token);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        await wait;
    }

    [Fact]
    public void Spool_OfTheFirstFormat_IsStillRead_AndGoesOutWithoutAnEdgeAcknowledgement()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-spool-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(dir);
            // First format: u16 topic length, topic, payload (its first byte is 0 for any topic shorter than 256 bytes).
            var topic = System.Text.Encoding.UTF8.GetBytes(Topic);
            File.WriteAllBytes(Path.Combine(dir, "00000000000000000007.sealed"), [0, (byte)topic.Length, .. topic, 5, 6, 7]);
            using var box = new SealedOutbox(4, dir);
            Assert.Equal(1, box.Recovered);
            var e = box.NextToPublish(T0, out _)!;
            Assert.Equal(Topic, e.Topic);
            Assert.Equal([5, 6, 7], e.Payload);
            Assert.False(e.AwaitsEdgeAck);
            box.MarkPublished(e, T0);
            Assert.Equal(0, box.Count);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
