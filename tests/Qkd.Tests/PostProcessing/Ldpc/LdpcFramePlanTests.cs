using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcFramePlanTests
{
    /// <summary>The schedule of the fixed reveal order (docs/postprocessing.md section 7), with its punctured reserve.</summary>
    private static readonly LdpcOptions FixedOrder = LdpcOptions.Default with
    {
        RevealOrder = LdpcRevealOrder.Fixed, StartEfficiency = 1.08, StartEfficiencyAtHighQber = 1.08, RevealEfficiencyStep = 0.015, PunctureReserve = 0.15,
    };

    [Theory]
    [InlineData(20_000, 0.01, false)]
    [InlineData(20_000, 0.05, false)]
    [InlineData(9_000, 0.08, false)]
    [InlineData(100_000, 0.02, false)]
    [InlineData(20_000, 0.01, true)]
    [InlineData(9_000, 0.08, true)]
    [InlineData(100_000, 0.02, true)]
    public void Choose_PositionsPartitionTheFrame_AndLeakIsChecksMinusPunctured(int n, double q, bool fixedOrder)
    {
        var options = fixedOrder ? FixedOrder : LdpcOptions.Default;
        var plan = LdpcFramePlan.Choose(n, q, options);
        var code = plan.Code;
        var role = new int[code.Length];
        foreach (var v in plan.PuncturedPositions)
        {
            role[v] += 1;
        }
        foreach (var v in plan.ShortenedPositions)
        {
            role[v] += 2;
        }
        foreach (var v in plan.KeyPositions)
        {
            role[v] += 4;
        }
        Assert.All(role, r => Assert.Contains(r, new[] { 1, 2, 4 }));
        Assert.Equal(n, plan.KeyPositions.Length);
        Assert.Equal(code.Length, plan.Punctured + plan.Shortened + n);
        Assert.True(plan.KeyPositions.SequenceEqual(plan.KeyPositions.Order()));
        Assert.Equal(code.Checks - plan.Punctured, plan.InitialLeakBits);
        // Elkouss et al. 2010, Eq. (1): R = (N - M - s) / (N - p - s); leak = (1 - R) n = M - p.
        Assert.Equal(plan.InitialLeakBits, (1 - plan.EffectiveRate) * n, 6);
        // The first syndrome is exactly f_start (the code is chosen so p = M - leak_start fits in the slack); a
        // punctured reserve leaves room for at least one blind round of punctured bits; p is capped by the slack N - n.
        var h = Qkd.KeyRate.Entropy.Binary(q);
        Assert.Equal(Math.Ceiling(options.StartEfficiencyFor(q) * n * h), plan.InitialLeakBits);
        Assert.InRange(plan.Punctured, options.PunctureReserve > 0 ? Math.Min(plan.RevealPerRound, code.PuncturingOrder.Length) : 0, code.Length - n);
    }

    [Fact]
    public void FromAnnouncement_ReproducesAlicesPlan()
    {
        var alice = LdpcFramePlan.Choose(30_000, 0.03, LdpcOptions.Default);
        var bob = LdpcFramePlan.FromAnnouncement(30_000, alice.RateIndex, alice.Punctured, alice.Shortened, alice.Rounds, alice.RevealPerRound, LdpcOptions.Default);
        Assert.Same(alice.Code, bob.Code);
        Assert.Equal(alice.KeyPositions, bob.KeyPositions);
        Assert.Equal(alice.PuncturedPositions, bob.PuncturedPositions);
        Assert.Equal(alice.ShortenedPositions, bob.ShortenedPositions);
    }

    [Fact]
    public void Plans_EqualAnnouncements_ShareOnePlan_OthersDoNot()
    {
        var alice = LdpcFramePlan.Choose(30_000, 0.03, LdpcOptions.Default);
        var bob = LdpcFramePlan.FromAnnouncement(30_000, alice.RateIndex, alice.Punctured, alice.Shortened, alice.Rounds, alice.RevealPerRound, LdpcOptions.Default);
        Assert.Same(alice, bob);
        Assert.Same(alice, LdpcFramePlan.Choose(30_000, 0.03, LdpcOptions.Default));
        var other = LdpcFramePlan.FromAnnouncement(30_000, alice.RateIndex, alice.Punctured, alice.Shortened, alice.Rounds, alice.RevealPerRound + 1, LdpcOptions.Default);
        Assert.NotSame(alice, other);
        Assert.Equal(alice.RevealPerRound + 1, other.RevealPerRound);
    }

    [Fact]
    public void FromAnnouncement_CountsThatDoNotFitTheKey_Throw()
    {
        var alice = LdpcFramePlan.Choose(30_000, 0.03, LdpcOptions.Default);
        Assert.Throws<ArgumentException>(() => LdpcFramePlan.FromAnnouncement(30_000, alice.RateIndex, alice.Punctured, alice.Shortened + 1, 1, 10, LdpcOptions.Default));
    }

    [Fact]
    public void RevealInRound_GrowsByOneStepEveryGrowthRounds()
    {
        var plan = LdpcFramePlan.Choose(30_000, 0.03, LdpcOptions.Default with { RevealGrowthRounds = 4 });
        var step = plan.RevealPerRound;
        Assert.Equal([step, step, step, step, 2 * step, 2 * step, 2 * step, 2 * step, 3 * step],
            Enumerable.Range(0, 9).Select(plan.RevealInRound).ToArray());
        var constant = LdpcFramePlan.Choose(30_000, 0.03, LdpcOptions.Default with { RevealGrowthRounds = 0 });
        Assert.All(Enumerable.Range(0, 20), k => Assert.Equal(constant.RevealPerRound, constant.RevealInRound(k)));
    }

    [Fact]
    public void RevealPositions_PuncturedFirst_ThenDistinctKeyPositions()
    {
        var plan = LdpcFramePlan.Choose(30_000, 0.02, LdpcOptions.Default);
        var positions = Enumerable.Range(0, plan.Revealable).Select(plan.RevealPosition).ToArray();
        Assert.Equal(plan.PuncturedPositions, positions[..plan.Punctured]);
        Assert.Equal(positions.Length, positions.Distinct().Count());
        var keys = plan.KeyPositions.ToHashSet();
        Assert.All(positions[plan.Punctured..], v => Assert.Contains(v, keys));
        Assert.Equal(plan.Punctured + 15_000, plan.Revealable);
    }

    [Fact]
    public void PunctureReserve_CapsThePuncturedBits_FirstLeakStaysExact()
    {
        // At a flat start of 0.90 (at 0.88, or the ramp's 0.965 at 2 %, the rate grid leaves a 0.6 reserve 26-72 bits over
        // the first leak: M moves in steps of about 0.02 N and the next rate's M is below the start).
        var flat = LdpcOptions.Default with { StartEfficiency = 0.90, StartEfficiencyAtHighQber = 0.90 };
        var small = LdpcFramePlan.Choose(100_000, 0.02, flat with { PunctureReserve = 0.05 });
        var large = LdpcFramePlan.Choose(100_000, 0.02, flat with { PunctureReserve = 0.6 });
        Assert.True(small.Punctured < large.Punctured);
        var h = Qkd.KeyRate.Entropy.Binary(0.02);
        Assert.Equal(Math.Ceiling(flat.StartEfficiencyFor(0.02) * 100_000 * h), small.InitialLeakBits);
        Assert.Equal(Math.Ceiling(flat.StartEfficiencyFor(0.02) * 100_000 * h), large.InitialLeakBits);
    }

    [Theory]
    [InlineData(0.005, 0.90)]
    [InlineData(0.01, 0.90)]
    [InlineData(0.02, 0.975)]
    [InlineData(0.03, 1.05)]
    [InlineData(0.05, 1.05)]
    public void StartEfficiency_HoldsBelowAndAboveTheRamp_LinearBetween(double qber, double expected)
    {
        var options = LdpcOptions.Default with { StartEfficiency = 0.90, StartEfficiencyAtHighQber = 1.05 };
        Assert.Equal(expected, options.StartEfficiencyFor(qber), 12);
        var h = Qkd.KeyRate.Entropy.Binary(qber);
        Assert.Equal(Math.Ceiling(expected * 100_000 * h), LdpcFramePlan.Choose(100_000, qber, options).InitialLeakBits, 0);
    }
}
