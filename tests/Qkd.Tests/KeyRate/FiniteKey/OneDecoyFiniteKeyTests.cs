using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.Tests.KeyRate;

public class OneDecoyFiniteKeyTests
{
    // Expected counts of a link with transmittance eta, background Y0, misalignment ed, after N pulses,
    // with the signal sent with probability p1 and both bases chosen with probability 1/2 (Z-Z and X-X kept).
    private static OneDecoyCounts ExpectedCounts(double pulses, double eta = 1e-2, double y0 = 1e-6, double ed = 0.015,
        double mu1 = 0.5, double mu2 = 0.15, double p1 = 0.7)
    {
        var q1 = ChannelStatistics.Gain(mu1, eta, y0);
        var q2 = ChannelStatistics.Gain(mu2, eta, y0);
        var e1 = ChannelStatistics.Qber(mu1, eta, y0, ed);
        var e2 = ChannelStatistics.Qber(mu2, eta, y0, ed);
        var basis = 0.25;
        return new OneDecoyCounts(mu1, mu2, p1,
            pulses * p1 * basis * q1, pulses * (1 - p1) * basis * q2, pulses * p1 * basis * q1 * e1, pulses * (1 - p1) * basis * q2 * e2,
            pulses * p1 * basis * q1, pulses * (1 - p1) * basis * q2, pulses * p1 * basis * q1 * e1, pulses * (1 - p1) * basis * q2 * e2);
    }

    private static double Length(double pulses)
    {
        var c = ExpectedCounts(pulses);
        var leak = 1.16 * c.DetectionsZ * Entropy.Binary(c.ErrorsZ / c.DetectionsZ);
        return OneDecoyFiniteKey.SecretKeyLength(c, leak, 1e-9, 1e-15).SecretBits;
    }

    [Fact]
    public void SmallBlock_GivesNoKey() => Assert.Equal(0, Length(1e6));

    [Fact]
    public void KeyFraction_GrowsWithBlockSize_TowardsAsymptote()
    {
        var l9 = Length(1e9) / 1e9;
        var l10 = Length(1e10) / 1e10;
        var l12 = Length(1e12) / 1e12;
        Assert.True(l9 > 0, "1e9 pulses at 20 dB-equivalent should give key");
        Assert.True(l9 < l10 && l10 < l12, $"{l9} {l10} {l12}");
    }

    [Fact]
    public void HighError_GivesNoKey()
    {
        var c = ExpectedCounts(1e10, ed: 0.2);
        var leak = 1.16 * c.DetectionsZ * Entropy.Binary(c.ErrorsZ / c.DetectionsZ);
        Assert.Equal(0, OneDecoyFiniteKey.SecretKeyLength(c, leak, 1e-9, 1e-15).SecretBits);
    }

    [Fact]
    public void Tau_SumsPoissonWeights()
        => Assert.Equal(0.7 * Math.Exp(-0.5) * 0.5 + 0.3 * Math.Exp(-0.15) * 0.15, OneDecoyFiniteKey.Tau(1, 0.5, 0.15, 0.7), 12);

    [Fact]
    public void Model_OnExpectedCounts_MatchesTheBoundFromCounts()
    {
        // The model's allocation-free path and the public count-based bound give the same key length.
        var link = Qkd.Physics.LinkPresets.Turin();
        var model = new DecoyOneFiniteModel(new FiniteKeyParameters(1e7));
        var point = model.Evaluate(link, 0.5);
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var q1 = ChannelStatistics.Gain(0.5, eta, y0);
        var q2 = ChannelStatistics.Gain(0.15, eta, y0);
        var e1 = ChannelStatistics.Qber(0.5, eta, y0, 0.015);
        var e2 = ChannelStatistics.Qber(0.15, eta, y0, 0.015);
        var pulses = 1e7 / (0.25 * (0.7 * q1 + 0.3 * q2));
        var c = new OneDecoyCounts(0.5, 0.15, 0.7,
            pulses * 0.25 * 0.7 * q1, pulses * 0.25 * 0.3 * q2, pulses * 0.25 * 0.7 * q1 * e1, pulses * 0.25 * 0.3 * q2 * e2,
            pulses * 0.25 * 0.7 * q1, pulses * 0.25 * 0.3 * q2, pulses * 0.25 * 0.7 * q1 * e1, pulses * 0.25 * 0.3 * q2 * e2);
        var leak = 1.16 * c.DetectionsZ * Entropy.Binary(c.ErrorsZ / c.DetectionsZ);
        var bound = OneDecoyFiniteKey.SecretKeyLength(c, leak, 1e-9, 1e-15);
        Assert.Equal(bound.RawBound / pulses, point.RawKeyRatePerPulse, 10);
        Assert.True(bound.SecretBits > 0);
    }
}

public class OneDecoyFiniteKeyConsistencyTests
{
    [Fact]
    public void InconsistentCounts_NeverClaimMoreKeyThanDetections()
    {
        // A decoy gain far above the signal's (impossible physically, possible in a tiny or tampered sample).
        var c = new OneDecoyCounts(0.5, 0.15, 0.7, 1000, 200_000, 10, 100, 1000, 200_000, 10, 100);
        var r = OneDecoyFiniteKey.SecretKeyLength(c, 0, 1e-9, 1e-15);
        Assert.True(r.SecretBits <= c.DetectionsZ, $"{r.SecretBits} > {c.DetectionsZ}");
    }
}
