using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class CascadeTests
{
    private static (BitString Alice, BitString Bob, int Errors) Pair(int n, double qber, ulong seed, ulong stream)
    {
        var random = SimRandom.ForStream(seed, stream);
        var alice = BitString.Random(n, ref random);
        var bob = alice.Clone();
        var errors = BinarySymmetricChannel.Apply(bob, qber, ref random);
        return (alice, bob, errors);
    }

    /// <summary>Mean f = parities / (n h(measured QBER)) over <paramref name="runs"/> blocks.</summary>
    private static double MeanEfficiency(CascadeVariant variant, int n, double qber, int runs, ulong seed)
    {
        var shuffles = new CascadeShuffles(n, seed);
        var sum = 0.0;
        for (var r = 0; r < runs; r++)
        {
            var (alice, bob, errors) = Pair(n, qber, seed, (ulong)r);
            var result = CascadeReconciler.Reconcile(new CascadePlan(variant, qber, shuffles), alice, bob);
            sum += result.LeakedBits / (n * Entropy.Binary((double)errors / n));
        }
        return sum / runs;
    }

    [Theory]
    [InlineData(1, 0.01, 73)]
    [InlineData(2, 0.01, 146)]
    [InlineData(4, 0.01, 584)]
    public void OriginalBlockSizes_FollowBrassardSalvail(int pass, double qber, int expected)
        => Assert.Equal(expected, CascadeVariant.Original.BlockSize(pass, qber, 1_000_000));

    [Fact]
    public void Option8BlockSizes_FollowMartinezMateo()
    {
        // a = log2(1/0.02) - 0.5 = 5.14: k1 = 2^6, k2 = 2^ceil(8.57) = 2^9, k3 = 4096, then n/2.
        var v = CascadeVariant.Option8;
        Assert.Equal(64, v.BlockSize(1, 0.02, 100_000));
        Assert.Equal(512, v.BlockSize(2, 0.02, 100_000));
        Assert.Equal(4096, v.BlockSize(3, 0.02, 100_000));
        Assert.Equal(50_000, v.BlockSize(4, 0.02, 100_000));
        Assert.Equal(128, CascadeVariant.Option7.BlockSize(1, 0.01, 100_000));
        Assert.Equal(512, CascadeVariant.Option7.BlockSize(2, 0.01, 100_000));
    }

    [Fact]
    public void EveryVariant_ManySeedsAndQbers_ReconciledOrCaughtByVerification()
    {
        // 6 QBERs x 8 seeds x 5 variants of 10^4-bit blocks. Every block either reconciles exactly or is
        // rejected by verification; the residual frame error rate stays within the documented 2 % bound
        // (docs/postprocessing.md) for every variant.
        foreach (var variant in CascadeVariant.All)
        {
            var frameErrors = 0;
            var blocks = 0;
            foreach (var qber in new[] { 0.005, 0.01, 0.02, 0.04, 0.06, 0.08 })
            {
                var shuffles = new CascadeShuffles(10_000, 11);
                for (var s = 0; s < 8; s++)
                {
                    var (alice, bob, _) = Pair(10_000, qber, 11, (ulong)(s + 100 * qber * 1000));
                    CascadeReconciler.Reconcile(new CascadePlan(variant, qber, shuffles), alice, bob);
                    var hashKey = SimRandom.ForStream(5, (ulong)s).NextUInt64();
                    var accepted = ErrorVerification.TagsEqual(ErrorVerification.Tag(hashKey, alice), ErrorVerification.Tag(hashKey, bob));
                    Assert.Equal(alice.Equals(bob), accepted);
                    frameErrors += accepted ? 0 : 1;
                    blocks++;
                }
            }
            Assert.True(frameErrors <= 0.02 * blocks, $"{variant.Name}: {frameErrors} frame errors in {blocks} blocks");
        }
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.02)]
    [InlineData(0.05)]
    public void Option8_On100kBits_EfficiencyWithinPublishedBand(double qber)
    {
        // Martinez-Mateo et al., QIC 15, 453 (2015), Figs. 10-11: the proposed opt. (7)/(8) reach f of about
        // 1.04-1.07 on 10^5-bit blocks for QBER 1-5 %; the band asserted here is [1.0, 1.07].
        var f = MeanEfficiency(CascadeVariant.Option8, 100_000, qber, 6, 21);
        Assert.InRange(f, 1.0, 1.07);
    }

    [Theory]
    [InlineData(0.01, 1.056)]
    [InlineData(0.02, 1.060)]
    [InlineData(0.05, 1.065)]
    public void Yan_On100kBits_EfficiencyMatchesCascadeCppYanetal(double qber, double cascadeCpp)
    {
        // cascade-cpp's yanetal (same block sizes, subblock reuse through its block tree) gives 1.056/1.060/1.065 on
        // 10^5 bits (issue 12); without subblock reuse this variant gave 1.073/1.080/1.087.
        var f = MeanEfficiency(CascadeVariant.Yan, 100_000, qber, 6, 23);
        Assert.InRange(f, cascadeCpp - 0.015, cascadeCpp + 0.01);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.02)]
    [InlineData(0.05)]
    public void Original_On10kBits_EfficiencyWithinPublishedBand(double qber)
    {
        // Martinez-Mateo et al. 2015, Fig. 2/10 ("Cascade orig."): f rises from about 1.12 to 1.20 between 1 % and 5 %
        // (cascade-cpp on this machine: 1.14/1.16/1.18). Band asserted: [1.10, 1.25].
        var f = MeanEfficiency(CascadeVariant.Original, 10_000, qber, 40, 22);
        Assert.InRange(f, 1.10, 1.25);
    }

    [Fact]
    public void ParityQuestions_AreBatched_ManyPerRoundTrip()
    {
        var (alice, bob, _) = Pair(100_000, 0.03, 3, 0);
        var result = CascadeReconciler.Reconcile(new CascadePlan(CascadeVariant.Option8, 100_000, 0.03, 3), alice, bob);
        Assert.True(alice.Equals(bob));
        Assert.True(result.LeakedBits > 20 * result.RoundTrips, $"{result.LeakedBits} parities in {result.RoundTrips} round trips");
    }

    [Fact]
    public async Task OverClassicalChannel_SameLeakAndKeyAsInProcess()
    {
        var (alice, bob, _) = Pair(20_000, 0.03, 4, 0);
        var bob2 = bob.Clone();
        var plan = new CascadePlan(CascadeVariant.Option7, 20_000, 0.03, 9);
        var direct = CascadeReconciler.Reconcile(plan, alice, bob);
        var (ca, cb) = InMemoryClassicalChannel.CreatePair();
        var aliceTask = CascadeReconciler.RunAliceAsync(plan, alice, ca);
        var bobResult = await CascadeReconciler.RunBobAsync(plan, bob2, cb);
        var aliceLeak = await aliceTask;
        Assert.Equal(direct.LeakedBits, aliceLeak);
        Assert.Equal(aliceLeak, bobResult.LeakedBits);
        Assert.Equal(bob, bob2);
        Assert.Equal(direct.RoundTrips, bobResult.RoundTrips);
        Assert.Equal(bobResult.RoundTrips + 1, cb.Traffic.SendTurns);
    }

    [Fact]
    public void NoErrors_LeaksOnlyTopParities()
    {
        var random = new SimRandom(8);
        var alice = BitString.Random(10_000, ref random);
        var bob = alice.Clone();
        var plan = new CascadePlan(CascadeVariant.Original, 10_000, 0.01, 1);
        var result = CascadeReconciler.Reconcile(plan, alice, bob);
        var tops = 0;
        for (var p = 0; p < plan.NormalPasses; p++)
        {
            tops += (10_000 + plan.BlockSize(p) - 1) / plan.BlockSize(p);
        }
        Assert.Equal(tops, result.LeakedBits);
        Assert.Equal(0, result.Corrections);
    }

    [Fact]
    public void MalformedQuery_IsRejectedByAlice()
    {
        var random = new SimRandom(8);
        var key = BitString.Random(1000, ref random);
        var alice = new CascadeAlice(new CascadePlan(CascadeVariant.Original, 1000, 0.02, 1), key);
        alice.Start();
        var bad = new byte[CascadeMessage.QueryHeaderBytes + CascadeMessage.QueryBytes];
        bad[0] = CascadeMessage.Queries;
        BitConverter.TryWriteBytes(bad.AsSpan(1), -1);
        BitConverter.TryWriteBytes(bad.AsSpan(5), 1);
        BitConverter.TryWriteBytes(bad.AsSpan(CascadeMessage.QueryHeaderBytes + 1), 990);
        BitConverter.TryWriteBytes(bad.AsSpan(CascadeMessage.QueryHeaderBytes + 5), 20);
        Assert.Throws<ArgumentException>(() => alice.Respond(bad));
    }

    /// <summary>
    /// A man in the middle flips top parities in Alice's first message (the transcript tag catches it only at the end
    /// of the block): Bob's work stays within <see cref="CascadeBob.WorkBound"/>, every conversation ends, and the
    /// inconsistent ones end with <see cref="CascadeBob.Diverged"/> and an empty reply instead of a search that never returns.
    /// </summary>
    [Theory]
    [InlineData("cascade-original")]
    [InlineData("cascade-opt8")]
    public void ForgedTopParities_BobEndsWithinWorkBound(string variantName)
    {
        var variant = CascadeVariant.FromName(variantName)!;
        const int n = 8_000;
        var diverged = 0;
        for (var seed = 1UL; seed <= 24; seed++)
        {
            var (alice, bob, _) = Pair(n, 0.03, seed, 0);
            var plan = new CascadePlan(variant, 0.03, new CascadeShuffles(n, seed));
            var a = new CascadeAlice(plan, alice);
            var b = new CascadeBob(plan, bob);
            var message = a.Start();
            for (var k = 0; k < 8; k++)
            {
                message[1 + (int)((seed * 37 + (ulong)k * 101) % (ulong)(message.Length - 1))] ^= (byte)(1 << k);
            }
            var messages = 0;
            while (true)
            {
                var question = b.Receive(message);
                if (b.Diverged)
                {
                    Assert.Empty(question);
                    diverged++;
                    break;
                }
                var answer = a.Respond(question);
                if (answer is null)
                {
                    break;
                }
                message = answer;
                Assert.True(++messages < 100_000, $"seed {seed}: {messages} messages, {b.Corrections} corrections");
            }
            Assert.True(b.IsFinished);
        }
        Assert.True(diverged > 0, "no forged block hit the work bound");
    }
}
