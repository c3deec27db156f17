using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class PostProcessingPipelineTests
{
    /// <summary>A pre-shared key of 2^16 bits from a seed.</summary>
    internal static BitString Psk(ulong seed)
    {
        var random = new SimRandom(seed);
        return BitString.Random(1 << 16, ref random);
    }

    [Fact]
    public async Task ManySeedsAndQbers_SecretKeysIdentical_AndLengthFollowsFiniteKeyBound()
    {
        var blocks = new List<SiftedBlock>();
        var qbers = new[] { 0.005, 0.01, 0.02, 0.04, 0.06, 0.08 };
        foreach (var q in qbers)
        {
            blocks.AddRange(BinarySymmetricChannel.Blocks(100_000, q, 3, (ulong)(q * 1e4)));
        }
        // Replayed randomness (sample positions, shuffles): the bounds below hold for these draws on every machine.
        var options = new PostProcessingOptions { MaxBlocksInFlight = 18, ReplenishAuthenticationKey = false, SecretRandom = new SeededSecretRandom(0x5EED) };
        var result = await PostProcessingPipeline.RunAsync(blocks, options, TimeProvider.System);
        var report = result.Report;
        // Documented bound: frame error rate <= 2 % (docs/postprocessing.md); a frame error is discarded, never used.
        Assert.True(report.FrameErrors <= 1, $"{report.FrameErrors} frame errors in {blocks.Count} blocks");
        for (var i = 0; i < blocks.Count; i++)
        {
            var b = report.Blocks[i];
            if (b.Outcome == BlockOutcome.FrameError)
            {
                Assert.Null(result.AliceKeys[i]);
                Assert.Null(result.BobKeys[i]);
                continue;
            }
            Assert.Equal(BlockOutcome.Secret, b.Outcome);
            Assert.NotNull(result.AliceKeys[i]);
            Assert.Equal(result.AliceKeys[i], result.BobKeys[i]);
            Assert.Equal(b.SecretBits, result.AliceKeys[i]!.Length);
            // Output length = Tomamichel et al. 2012 Eq. (2) with the block's own numbers.
            var expected = Bb84FiniteKey.SecretKeyLength(b.ReconciledBits, b.SampleBits, b.QberEstimate, b.LeakedBits, options.EpsilonSecrecy, b.EpsilonCorrectness);
            Assert.Equal(expected, b.SecretBits);
            // The estimate varies with the sample positions; at 8 % the bound is close to zero for 10^5 bits and may
            // legitimately give none.
            Assert.True(b.SecretBits > 0 || b.Qber > 0.07, $"block {i} at QBER {b.Qber} gave no key");
            Assert.InRange(b.Efficiency, 1.0, 1.12);
        }
        Assert.True(report.AuthenticationKeySpentBits > 128);
        Assert.True(report.EpsilonAuthentication < 1e-9);
    }

    [Fact]
    public async Task DecoyCounts_LengthFollowsOneDecoyBound()
    {
        // Expected counts of 2e9 pulses over transmittance 1e-2 (background 1e-6, misalignment 1.5 %),
        // mu1 = 0.5, mu2 = 0.15, p_mu1 = 0.7, each basis with probability 1/2 (as in OneDecoyFiniteKeyTests).
        const double pulses = 1.2e8, eta = 1e-2, y0 = 1e-6, ed = 0.015, mu1 = 0.5, mu2 = 0.15, p1 = 0.7, basis = 0.25;
        double q1 = ChannelStatistics.Gain(mu1, eta, y0), q2 = ChannelStatistics.Gain(mu2, eta, y0);
        double e1 = ChannelStatistics.Qber(mu1, eta, y0, ed), e2 = ChannelStatistics.Qber(mu2, eta, y0, ed);
        var counts = new OneDecoyCounts(mu1, mu2, p1,
            pulses * p1 * basis * q1, pulses * (1 - p1) * basis * q2, pulses * p1 * basis * q1 * e1, pulses * (1 - p1) * basis * q2 * e2,
            pulses * p1 * basis * q1, pulses * (1 - p1) * basis * q2, pulses * p1 * basis * q1 * e1, pulses * (1 - p1) * basis * q2 * e2);
        var random = new SimRandom(6);
        var alice = BitString.Random((int)counts.DetectionsZ, ref random);
        var bob = alice.Clone();
        BinarySymmetricChannel.Apply(bob, counts.ErrorsZ / counts.DetectionsZ, ref random);
        var result = await PostProcessingPipeline.DistillAsync(alice, bob, counts, new PostProcessingOptions { ReplenishAuthenticationKey = false }, TimeProvider.System);
        var b = result.Report.Blocks[0];
        var expected = OneDecoyFiniteKey.SecretKeyLength(counts, b.LeakedBits, 1e-10, b.EpsilonCorrectness).SecretBits;
        Assert.Equal(BlockOutcome.Secret, b.Outcome);
        Assert.Equal(expected, b.SecretBits);
        Assert.InRange(expected, 1, alice.Length - 1);
        Assert.Equal(result.AliceKeys[0], result.BobKeys[0]);
    }

    [Fact]
    public async Task QberAboveThreshold_AbortsBothSides()
    {
        var blocks = BinarySymmetricChannel.Blocks(20_000, 0.2, 2, 7);
        var result = await PostProcessingPipeline.RunAsync(blocks, new PostProcessingOptions(), TimeProvider.System);
        Assert.All(result.Report.Blocks, b => Assert.Equal(BlockOutcome.QberAboveThreshold, b.Outcome));
        Assert.All(result.AliceKeys, Assert.Null);
    }

    [Fact]
    public async Task AuthenticationKey_OnePerBlockPair_IsReplenishedBetweenBatches_AndNeverStarves()
    {
        // 256 bits of pre-shared key: the 64-bit hash key and three pads, enough for one block (two pads).
        var blocks = BinarySymmetricChannel.Blocks(20_000, 0.02, 6, 21);
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        var psk = BitString.FromWords(Psk(22).Words[..4], 256);
        var result = await PostProcessingPipeline.RunAsync(blocks, new PostProcessingOptions { BatchBlocks = 1 }, a, b, psk, TimeProvider.System);
        var report = result.Report;
        Assert.All(report.Blocks, r => Assert.Equal(BlockOutcome.Secret, r.Outcome));
        Assert.False(report.AuthenticationKeyExhausted);
        Assert.Equal(64 + 6 * AuthenticationKeyPool.BitsPerBlock, report.AuthenticationKeySpentBits);
        Assert.Equal(6 * AuthenticationKeyPool.BitsPerBlock, report.AuthenticationKeyReplenishedBits);
        Assert.Equal(report.GrossSecretBits - report.AuthenticationKeyReplenishedBits, report.SecretBits);
    }

    [Fact]
    public async Task AuthenticationKeyExhausted_BlocksNotRun_ReportedAndNotCountedInThroughput()
    {
        var blocks = BinarySymmetricChannel.Blocks(20_000, 0.02, 3, 23);
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        var psk = BitString.FromWords(Psk(24).Words[..4], 256);
        var result = await PostProcessingPipeline.RunAsync(blocks, new PostProcessingOptions { ReplenishAuthenticationKey = false },
            a, b, psk, TimeProvider.System);
        var report = result.Report;
        Assert.Equal(BlockOutcome.Secret, report.Blocks[0].Outcome);
        Assert.Equal(BlockOutcome.AuthenticationKeyExhausted, report.Blocks[1].Outcome);
        Assert.Equal(BlockOutcome.AuthenticationKeyExhausted, report.Blocks[2].Outcome);
        Assert.Null(result.AliceKeys[1]);
        Assert.True(report.AuthenticationKeyExhausted);
        Assert.Equal(2, report.AbortedBlocks);
        Assert.Equal(2, report.AbortReasons["authenticationKeyExhausted"]);
        Assert.Equal(20_000 / report.ElapsedSeconds, report.ThroughputBitsPerSecond, 6);
    }

    [Fact]
    public async Task ManyBlocksInFlight_Over1msRoundTrip_ReconcileAbove10MbitPerSecond_OnSimulatedTime()
    {
        // 1 ms round trip (0.5 ms each way). One block in flight pays ~450 round trips per 10^5 bits: below
        // 0.25 Mbit/s. 128 blocks in flight share every round trip; 256 blocks so that a new block takes over
        // each finished slot (a single wave would be bound by its slowest block, ~2x the mean round trips).
        var latency = TimeSpan.FromMilliseconds(0.5);
        var many = await PostProcessingPipeline.RunAsync(BinarySymmetricChannel.Blocks(100_000, 0.02, 256, 10),
            new PostProcessingOptions { MaxBlocksInFlight = 128, SimulatedOneWayLatency = latency, SecretRandom = new SeededSecretRandom(0x5EED) }, TimeProvider.System);
        var one = await PostProcessingPipeline.RunAsync(BinarySymmetricChannel.Blocks(100_000, 0.02, 2, 10),
            new PostProcessingOptions { MaxBlocksInFlight = 1, SimulatedOneWayLatency = latency }, TimeProvider.System);
        Assert.True(many.Report.SimulatedThroughputBitsPerSecond > 10e6,
            $"{many.Report.SimulatedThroughputBitsPerSecond / 1e6:F2} Mbit/s, {many.Report.SimulatedSeconds:F3} s, {many.Report.ChannelMessages} messages");
        Assert.True(one.Report.SimulatedThroughputBitsPerSecond < 1.5e6, $"{one.Report.SimulatedThroughputBitsPerSecond / 1e6:F2} Mbit/s");
        Assert.True(many.Report.FrameErrorRate <= 0.02, $"frame error rate {many.Report.FrameErrorRate}");
        Assert.All(many.Report.Blocks, b => Assert.True(b.Outcome is BlockOutcome.Secret or BlockOutcome.FrameError, $"block {b.Index}: {b.Outcome}"));
        Assert.True(many.Report.ChannelMessages < many.Report.RoundTrips / 20, "blocks in flight share channel messages");
    }
}
