using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.KeyRate.Decoy;
using Qkd.KeyRate.NoDecoy;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate;

/// <summary>Physical laws every model must obey, checked on seeded random links.</summary>
public class KeyRatePropertyTests
{
    private static readonly string[] AllModels = [.. KeyRateModels.Names];

    private static LinkDescription RandomLink(ref SimRandom r)
    {
        var alpha = 0.16 + 0.1 * r.NextDouble();
        var eff = 0.02 + 0.6 * r.NextDouble();
        var y0 = Math.Pow(10, -8 + 4 * r.NextDouble());
        var ed = 0.04 * r.NextDouble();
        var mu = 0.2 + 0.5 * r.NextDouble();
        return new LinkDescription(new Fiber(10, alpha), 2 * r.NextDouble(),
            new Source(SourceKind.WeakCoherent, mu, [0.05, 0.0], 1e9), new Detector(eff, y0, ed));
    }

    public static TheoryData<string> Models()
    {
        var d = new TheoryData<string>();
        foreach (var m in AllModels)
        {
            d.Add(m);
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void KeyRate_FallsWithDistance(string name)
    {
        var model = KeyRateModels.Get(name);
        var r = new SimRandom(2024);
        for (var trial = 0; trial < 20; trial++)
        {
            var link = RandomLink(ref r);
            var previous = double.PositiveInfinity;
            for (var km = 0.0; km <= 300; km += 15)
            {
                var rate = KeyRateAnalysis.Point(model, link.WithFiberLength(km), null).KeyRatePerPulse;
                Assert.True(rate <= previous * (1 + 1e-9), $"{name}: rate rose at {km} km");
                previous = rate;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ZeroKey_BeyondTheMaximumDistance(string name)
    {
        var model = KeyRateModels.Get(name);
        var r = new SimRandom(7);
        for (var trial = 0; trial < 5; trial++)
        {
            var link = RandomLink(ref r);
            var max = KeyRateAnalysis.MaxDistanceKm(model, link);
            if (max >= KeyRateAnalysis.DistanceSearchLimitKm)
            {
                continue;
            }
            Assert.Equal(0, KeyRateAnalysis.Point(model, link.WithFiberLength(max + 1), null).KeyRatePerPulse);
            if (max > 1)
            {
                Assert.True(KeyRateAnalysis.Point(model, link.WithFiberLength(max - 1), null).KeyRatePerPulse > 0);
            }
        }
    }

    [Fact]
    public void Qber_TendsToOneHalf_AtLongDistance()
    {
        var link = LinkPresets.Gys(900);
        Assert.InRange(ChannelStatistics.Qber(link, 0.5), 0.499, 0.5);
    }

    [Fact]
    public void MoreDarkCount_NeverLowersQber()
    {
        // Dark counts add errors with probability 1/2 while the signal errs with e_det < 1/2 (Ma et al. 2005, Eq. 9);
        // contrary to the claim of seed 000 (Fig. 5).
        var r = new SimRandom(11);
        for (var trial = 0; trial < 500; trial++)
        {
            var eta = Math.Pow(10, -8 * r.NextDouble());
            var mu = 0.01 + r.NextDouble();
            var ed = 0.49 * r.NextDouble();
            var y0 = Math.Pow(10, -9 + 6 * r.NextDouble());
            var lower = ChannelStatistics.Qber(mu, eta, y0, ed);
            var higher = ChannelStatistics.Qber(mu, eta, y0 * 3, ed);
            Assert.True(higher >= lower - 1e-15, $"eta={eta} mu={mu} ed={ed} y0={y0}");
        }
    }

    [Fact]
    public void HigherDetectorEfficiency_NeverRaisesQber()
    {
        // More efficiency means more signal clicks per dark count, so E_mu falls towards e_det (Ma et al. 2005, Eq. 9);
        // contrary to the claim of seed 001 (Fig. 3).
        var r = new SimRandom(12);
        for (var trial = 0; trial < 500; trial++)
        {
            var eta = Math.Pow(10, -7 * r.NextDouble());
            var mu = 0.01 + r.NextDouble();
            var ed = 0.49 * r.NextDouble();
            var y0 = Math.Pow(10, -9 + 6 * r.NextDouble());
            var lower = ChannelStatistics.Qber(mu, eta, y0, ed);
            var higher = ChannelStatistics.Qber(mu, Math.Min(1, eta * 2), y0, ed);
            Assert.True(higher <= lower + 1e-15);
        }
    }

    [Fact]
    public void DecoyModels_AreOrdered_InfiniteAboveVacuumWeakAboveGllp()
    {
        var r = new SimRandom(13);
        for (var trial = 0; trial < 20; trial++)
        {
            var link = RandomLink(ref r).WithFiberLength(20 + 60 * r.NextDouble());
            var inf = KeyRateAnalysis.Point(new DecoyInfiniteModel(), link, null).KeyRatePerPulse;
            var weak = KeyRateAnalysis.Point(new DecoyVacuumWeakModel(), link, null).KeyRatePerPulse;
            var gllp = KeyRateAnalysis.Point(new GllpModel(), link, null).KeyRatePerPulse;
            var single = KeyRateAnalysis.Point(new SinglePhotonModel(), link, null).KeyRatePerPulse;
            Assert.True(inf >= weak * (1 - 1e-6), $"inf {inf} weak {weak}");
            Assert.True(weak >= gllp * (1 - 1e-6) || gllp == 0, $"weak {weak} gllp {gllp}");
            Assert.True(single >= inf, $"single {single} inf {inf}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OptimalMu_IsAtLeastAsGoodAsAnyGridPoint(string name)
    {
        var model = KeyRateModels.Get(name);
        if (!model.OptimisesMu)
        {
            return;
        }
        var link = LinkPresets.Gys(40);
        var best = KeyRateAnalysis.OptimalPoint(model, link).RawKeyRatePerPulse;
        var (min, max) = model.MuSearchRange(link);
        for (var i = 0; i <= 200; i++)
        {
            var mu = min * Math.Pow(max / min, i / 200.0);
            Assert.True(model.Evaluate(link, mu).RawKeyRatePerPulse <= best + Math.Abs(best) * 1e-4 + 1e-15, $"{name} mu={mu}");
        }
    }

    [Fact]
    public void DeadTime_CapsTheBitRate_AtOneOverDeadTime()
    {
        // c_dt = 1/(1 + f Q tau) (Rusca et al. 2018, Eq. B3): detections per second never exceed 1/tau.
        var link = LinkPresets.Turin();
        var gain = 0.01;
        var detectionsPerSecond = link.Source.RepetitionRateHz * gain * KeyRateAnalysis.DeadTimeFactor(link, gain);
        Assert.True(detectionsPerSecond < 1 / link.Detector.DeadTimeSeconds);
        Assert.Equal(1.0, KeyRateAnalysis.DeadTimeFactor(LinkPresets.Gys(10), gain));
    }

    [Fact]
    public void SeedSimple_OverestimatesGllp_BecauseItIgnoresMultiPhotonPulses()
    {
        var link = LinkPresets.Seed000(30);
        var simple = new SeedSimpleModel().Evaluate(link, 0.5).RawKeyRatePerPulse;
        var gllp = new GllpModel().Evaluate(link, 0.5).RawKeyRatePerPulse;
        Assert.True(simple > gllp);
    }
}
