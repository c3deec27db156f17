using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.PostProcessing;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcReconcilerTests
{
    /// <summary>Alice's random key, Bob's copy through BSC(q), and the errors, from stream (seed, index).</summary>
    private static (BitString Alice, BitString Bob, int Errors) Frame(ulong seed, ulong index, int n, double q)
    {
        var random = SimRandom.ForStream(seed, index);
        var alice = BitString.Random(n, ref random);
        var bob = alice.Clone();
        var errors = BinarySymmetricChannel.Apply(bob, q, ref random);
        return (alice, bob, errors);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.02)]
    [InlineData(0.05)]
    [InlineData(0.08)]
    public void Reconcile_ManySeeds_IdenticalKeysOrReportedFailure_EfficiencyInBand(double q)
    {
        const int n = 20_000;
        var failures = 0;
        var fSum = 0.0;
        const int frames = 12;
        for (var i = 0; i < frames; i++)
        {
            var (alice, bob, errors) = Frame(404, (ulong)i, n, q);
            var result = LdpcReconciler.Reconcile(LdpcOptions.Default, q, alice, bob, new SeededSecretRandom(0x9C7));
            if (result.Decoded && alice.Equals(bob))
            {
                Assert.Equal(errors, result.Corrections);
            }
            else
            {
                // Not decoded, or a satisfied syndrome on a wrong word: in the pipeline both are frame errors (the
                // verification hash of docs/postprocessing.md section 3 catches the second, LdpcPipelineTests). With
                // the start at 0.92 and a 10 % stall test one frame of these seeds did the second at 2 % (1 of 1,200
                // seeded 2 * 10^4-bit frames; none with the defaults, nor at 10^5 bits; section 7).
                failures++;
            }
            Assert.InRange(result.Attempts, 1, LdpcOptions.Default.BlindRounds + 1);
            fSum += result.LeakedBits / (n * Entropy.Binary((double)errors / n));
        }
        Assert.True(failures <= 1, $"{failures} of {frames} frames failed at QBER {q}");
        // Measured band for 2*10^4-bit frames (docs/postprocessing.md, LDPC): f within [1.05, 1.45].
        Assert.InRange(fSum / frames, 1.05, 1.45);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.02)]
    [InlineData(0.05)]
    public void Reconcile_HundredFrames_FrameErrorRateAtMostOnePercent(double q)
    {
        // Issue 12: FER <= 1 % after the last blind round (defaults). 2 * 10^4-bit frames keep the test short; the
        // 10^5-bit figures are in docs/postprocessing.md section 7.
        const int n = 20_000;
        const int frames = 100;
        var failures = 0;
        for (var i = 0; i < frames; i++)
        {
            var (alice, bob, _) = Frame(1212, (ulong)i, n, q);
            var result = LdpcReconciler.Reconcile(LdpcOptions.Default, q, alice, bob, new SeededSecretRandom(0x9C7));
            failures += result.Decoded && alice.Equals(bob) ? 0 : 1;
        }
        Assert.True(failures <= frames / 100, $"{failures} of {frames} frames failed at QBER {q}");
    }

    [Fact]
    public void Reconcile_BelowCapacity_FailsAndSaysSo_LeakCountsEveryRevealedBit()
    {
        var options = LdpcOptions.Default with { StartEfficiency = 0.8, StartEfficiencyAtHighQber = 0.8, BlindRounds = 2, RevealEfficiencyStep = 0.01 };
        var (alice, bob, _) = Frame(5, 5, 20_000, 0.05);
        var before = bob.Clone();
        var result = LdpcReconciler.Reconcile(options, 0.05, alice, bob, new SeededSecretRandom(0x9C7));
        Assert.False(result.Decoded);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(before, bob);
        var plan = LdpcFramePlan.Choose(20_000, 0.05, options);
        Assert.Equal(plan.InitialLeakBits + 2L * plan.RevealPerRound, result.LeakedBits);
    }

    [Fact]
    public void Reconcile_RevealsBeyondThePuncturedBits_DiscloseKeyBits_StillReconcile_AndEachCountsOnce()
    {
        // The first syndrome is below capacity (f_start 0.9) and the punctured bits run out in the first round, so
        // decoding needs key-bit reveals; each is counted in the leak.
        var options = LdpcOptions.Default with
        {
            PunctureReserve = 0, StartEfficiency = 0.9, StartEfficiencyAtHighQber = 0.9, RevealEfficiencyStep = 0.1, RevealGrowthRounds = 0, RevealPerUnsatisfiedCheck = 0,
        };
        var (alice, bob, _) = Frame(31, 1, 20_000, 0.03);
        var result = LdpcReconciler.Reconcile(options, 0.03, alice, bob, new SeededSecretRandom(0x9C7));
        var plan = LdpcFramePlan.Choose(20_000, 0.03, options);
        Assert.True(result.Decoded);
        Assert.Equal(alice, bob);
        var revealed = (result.Attempts - 1) * plan.RevealPerRound;
        Assert.True(revealed > plan.Punctured, $"{revealed} revealed, {plan.Punctured} punctured");
        Assert.Equal(plan.InitialLeakBits + revealed, result.LeakedBits);
    }

    [Fact]
    public void Reconcile_ResumedAttemptsStallTestedAfterOneWindow_FewerIterationsSameFrames()
    {
        // The resumed attempts' early stall test (against the unsatisfied checks before the reveal) only ever ends an
        // attempt sooner: over the same frames the defaults take fewer iterations than with it off, and still decode.
        const int n = 20_000;
        long early = 0, late = 0;
        for (var i = 0; i < 4; i++)
        {
            var (alice, bob, _) = Frame(91, (ulong)i, n, 0.02);
            var result = LdpcReconciler.Reconcile(LdpcOptions.Default, 0.02, alice, bob, new SeededSecretRandom(0x9C7));
            Assert.True(result.Decoded);
            early += result.Iterations;
            (alice, bob, _) = Frame(91, (ulong)i, n, 0.02);
            result = LdpcReconciler.Reconcile(LdpcOptions.Default with { ResumedStallWindow = 0 }, 0.02, alice, bob, new SeededSecretRandom(0x9C7));
            Assert.True(result.Decoded);
            late += result.Iterations;
        }
        Assert.True(early < late, $"{early} iterations with the early test, {late} without");
    }

    [Theory]
    [InlineData(0.01, 1.11)]
    [InlineData(0.02, 1.10)]
    [InlineData(0.05, 1.10)]
    public void Reconcile_DesignedCodes_HundredThousandBitFrames_EfficiencyWithinBound(double q, double bound)
    {
        // docs/postprocessing.md section 7: 100 frames give f = 1.095 / 1.087 / 1.076 at 1 / 2 / 5 % with the start at 0.90
        // and resumed attempts stall-tested after one window (1.097 / 1.077 / 1.073 before); 10 frames of the same seeds
        // keep this short.
        const int n = 100_000;
        const int frames = 10;
        var fSum = 0.0;
        for (var i = 0; i < frames; i++)
        {
            var (alice, bob, errors) = Frame(77, (ulong)i, n, q);
            var result = LdpcReconciler.Reconcile(LdpcOptions.Default, q, alice, bob, new SeededSecretRandom(0x9C7));
            Assert.True(result.Decoded);
            Assert.Equal(alice, bob);
            fSum += result.LeakedBits / (n * Entropy.Binary((double)errors / n));
        }
        Assert.InRange(fSum / frames, 1.0, bound);
    }
}
