using System.Buffers.Binary;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

/// <summary>
/// Lanes (<see cref="PostProcessingOptions.Lanes"/>): several conversations at once, each running every L-th block end
/// to end. A seeded run gives the same keys, leakage and round trips on any number of lanes; every block gets its own
/// authentication pads, the same as on one lane, and none twice; tampering on one lane ends only that lane's block.
/// </summary>
public class PipelineLanesTests
{
    private static PostProcessingOptions Seeded(string method, int lanes, int inFlight = 4) => new()
    {
        Variant = CascadeVariant.FromName(method)!, MaxBlocksInFlight = inFlight, Lanes = lanes, SecretRandom = new SeededSecretRandom(5),
    };

    [Theory]
    [InlineData("cascade-opt8", 2)]
    [InlineData("cascade-opt8", 3)]
    [InlineData("cascade-original", 2)]
    public async Task SeededRun_OnSeveralLanes_GivesTheKeysLeakageAndRoundTripsOfOneLane(string method, int lanes)
    {
        var blocks = BinarySymmetricChannel.Blocks(30_000, 0.02, 7, 2026);
        var one = await PostProcessingPipeline.RunAsync(blocks, Seeded(method, 1), TimeProvider.System);
        var many = await PostProcessingPipeline.RunAsync(blocks, Seeded(method, lanes), TimeProvider.System);
        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(BlockOutcome.Secret, one.Report.Blocks[i].Outcome);
            Assert.Equal(BlockOutcome.Secret, many.Report.Blocks[i].Outcome);
            Assert.Equal(one.AliceKeys[i], many.AliceKeys[i]);
            Assert.Equal(many.AliceKeys[i], many.BobKeys[i]);
            Assert.Equal(one.Report.Blocks[i].LeakedBits, many.Report.Blocks[i].LeakedBits);
            Assert.Equal(one.Report.Blocks[i].RoundTrips, many.Report.Blocks[i].RoundTrips);
            Assert.Equal(one.Report.Blocks[i].SampleBits, many.Report.Blocks[i].SampleBits);
        }
        Assert.Equal(one.Report.SecretBits, many.Report.SecretBits);
        Assert.Equal(one.Report.AuthenticationKeySpentBits, many.Report.AuthenticationKeySpentBits);
        Assert.Equal(one.Report.AuthenticationKeyReplenishedBits, many.Report.AuthenticationKeyReplenishedBits);
    }

    /// <summary>
    /// Why the seeded snapshots changed with lanes: a block's key depends only on its own input and its own secret
    /// randomness (<see cref="ISecretRandom.ForBlock"/>), no longer on what the blocks before it drew from a shared stream.
    /// </summary>
    [Fact]
    public async Task SeededRun_EachBlocksKey_IsTheKeyOfThatBlockRunAlone()
    {
        var blocks = BinarySymmetricChannel.Blocks(30_000, 0.02, 5, 2026);
        var run = await PostProcessingPipeline.RunAsync(blocks, Seeded("cascade-opt8", 2), TimeProvider.System);
        for (var i = 0; i < blocks.Count; i++)
        {
            var options = Seeded("cascade-opt8", 1) with { SecretRandom = new SeededSecretRandom(5, firstBlock: i) };
            var alone = await PostProcessingPipeline.RunAsync([blocks[i]], options, TimeProvider.System);
            Assert.Equal(alone.AliceKeys[0], run.AliceKeys[i]);
            Assert.Equal(alone.Report.Blocks[0].LeakedBits, run.Report.Blocks[i].LeakedBits);
        }
    }

    /// <summary>
    /// The pads (the last 8 bytes of each closing message are a tag one-time-padded with the block's pad) are those of
    /// one lane, where the pool hands them out one after the other: every block's whole conversation, tags included, is
    /// byte for byte the one-lane conversation, and the authentication key spent is two pads per block.
    /// </summary>
    [Fact]
    public async Task TwoLanes_EveryBlockGetsTheOneLanePads_NoPadTwice()
    {
        var blocks = BinarySymmetricChannel.Blocks(20_000, 0.02, 9, 77);
        var options = Seeded("cascade-opt8", 1, inFlight: 3) with { BatchBlocks = 4, PreSharedKeyBits = 1 << 12 };
        var one = await RecordAsync(blocks, options, 1);
        var two = await RecordAsync(blocks, options, 2);
        Assert.Equal(one.Conversations.Count, blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(BlockOutcome.Secret, two.Result.Report.Blocks[i].Outcome);
            Assert.Equal(one.Conversations[i], two.Conversations[i]);
        }
        var tags = new HashSet<ulong>();
        foreach (var conversation in two.Conversations.Values)
        {
            foreach (var closing in conversation.TakeLast(2))
            {
                Assert.True(tags.Add(BinaryPrimitives.ReadUInt64LittleEndian(closing.AsSpan(closing.Length - 8))), "two blocks sent the same tag");
            }
        }
        Assert.Equal(64 + blocks.Count * AuthenticationKeyPool.BitsPerBlock, two.Result.Report.AuthenticationKeySpentBits);
    }

    [Fact]
    public async Task TwoLanes_AuthenticationKeyForOneBlockOnly_OnlyTheFirstBlockRuns()
    {
        // 256 bits: the hash key and three pads, enough for block 0 alone; block 1 runs on the other lane but gets none.
        var blocks = BinarySymmetricChannel.Blocks(20_000, 0.02, 3, 23);
        var lanes = new (IClassicalChannel, IClassicalChannel)[] { InMemoryClassicalChannel.CreatePair(), InMemoryClassicalChannel.CreatePair() };
        var psk = BitString.FromWords(PostProcessingPipelineTests.Psk(24).Words[..4], 256);
        var result = await PostProcessingPipeline.RunAsync(blocks, new PostProcessingOptions { ReplenishAuthenticationKey = false }, lanes, psk, TimeProvider.System);
        Assert.Equal(BlockOutcome.Secret, result.Report.Blocks[0].Outcome);
        Assert.Equal(BlockOutcome.AuthenticationKeyExhausted, result.Report.Blocks[1].Outcome);
        Assert.Equal(BlockOutcome.AuthenticationKeyExhausted, result.Report.Blocks[2].Outcome);
        Assert.Equal(64 + AuthenticationKeyPool.BitsPerBlock, result.Report.AuthenticationKeySpentBits);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-2)]
    public async Task TwoLanes_BitFlippedOnOneLane_ThatBlockDeliversNoKey_OthersEqualKeys(int message)
    {
        var blocks = BinarySymmetricChannel.Blocks(8_000, 0.03, 4, 31);
        var (a0, b0) = InMemoryClassicalChannel.CreatePair();
        var (a1, b1) = InMemoryClassicalChannel.CreatePair();
        var options = new PostProcessingOptions
        {
            MaxBlocksInFlight = 4, ReceiveTimeout = TimeSpan.FromSeconds(5), SecretRandom = new SeededSecretRandom(31),
        };
        // Negative: counted from the end of lane 1's honest run (the closing messages); seeded, so the attacked run
        // has the same conversation up to the flip.
        var counter = new Flipper(a1, -1);
        var honest = await PostProcessingPipeline.RunAsync(blocks, options, [(a0, b0), (counter, b1)], PostProcessingPipelineTests.Psk(31), TimeProvider.System);
        Assert.All(honest.Report.Blocks, r => Assert.Equal(BlockOutcome.Secret, r.Outcome));
        var (c0, d0) = InMemoryClassicalChannel.CreatePair();
        var (c1, d1) = InMemoryClassicalChannel.CreatePair();
        var eve = new Flipper(c1, message >= 0 ? message : counter.Sent + message);
        var result = await PostProcessingPipeline.RunAsync(blocks, options, [(c0, d0), (eve, d1)], PostProcessingPipelineTests.Psk(31), TimeProvider.System);
        Assert.NotNull(eve.Touched);
        var touched = 1 + (2 * eve.Touched!.Value);
        Assert.False(result.Report.AbortReasons.ContainsKey("channelFailure"));
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i == touched)
            {
                Assert.NotEqual(BlockOutcome.Secret, result.Report.Blocks[i].Outcome);
                Assert.Null(result.AliceKeys[i]);
                Assert.Null(result.BobKeys[i]);
            }
            else if (i % 2 == 0)
            {
                Assert.Equal(BlockOutcome.Secret, result.Report.Blocks[i].Outcome);
                Assert.Equal(result.AliceKeys[i], result.BobKeys[i]);
            }
            else if (result.AliceKeys[i] is { } key)
            {
                Assert.Equal(key, result.BobKeys[i]);
            }
        }
    }

    private static async Task<(PostProcessingResult Result, Dictionary<int, List<byte[]>> Conversations)> RecordAsync(
        IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options, int laneCount)
    {
        var conversations = new Dictionary<int, List<byte[]>>();
        var lanes = new (IClassicalChannel, IClassicalChannel)[laneCount];
        for (var l = 0; l < laneCount; l++)
        {
            var (a, b) = InMemoryClassicalChannel.CreatePair();
            lanes[l] = (new Recorder(a, l, laneCount, options.BatchBlocks, conversations), new Recorder(b, l, laneCount, options.BatchBlocks, conversations));
        }
        var result = await PostProcessingPipeline.RunAsync(blocks, options, lanes, PostProcessingPipelineTests.Psk(9), TimeProvider.System);
        return (result, conversations);
    }

    /// <summary>Every frame a party sends (framing: 16-byte header, 12-byte frame headers), filed under its run-wide block index.</summary>
    private sealed class Recorder(IClassicalChannel inner, int lane, int lanes, int batchBlocks, Dictionary<int, List<byte[]>> conversations) : IClassicalChannel
    {
        public Party Self => inner.Self;

        public ClassicalTraffic Traffic => inner.Traffic;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var bytes = message.Span;
            var batch = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
            var offset = 16;
            for (var i = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]); i > 0; i--)
            {
                var block = (batch * batchBlocks) + lane + (lanes * BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]));
                var length = Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(bytes[(offset + 8)..]));
                lock (conversations)
                {
                    if (!conversations.TryGetValue(block, out var frames))
                    {
                        conversations[block] = frames = [];
                    }
                    frames.Add(bytes.Slice(offset + 12, length).ToArray());
                }
                offset += 12 + length;
            }
            return inner.SendAsync(message, cancellationToken);
        }

        public ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);
    }

    /// <summary>Flips a bit in the first payload of the k-th message this party sends, and remembers the lane's block it touched.</summary>
    private sealed class Flipper(IClassicalChannel inner, int messageIndex) : IClassicalChannel
    {
        public int Sent { get; private set; }

        public int? Touched { get; private set; }

        public Party Self => inner.Self;

        public ClassicalTraffic Traffic => inner.Traffic;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var bytes = message.ToArray();
            if (Sent++ == messageIndex && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) > 0 && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)) > 0)
            {
                Touched = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
                bytes[28 + (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)) / 2)] ^= 0x10;
            }
            return inner.SendAsync(bytes, cancellationToken);
        }

        public ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);
    }
}
