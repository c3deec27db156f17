using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;
using Qkd.KeyRate.NoDecoy;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate.FiniteKey;

public class GllpFiniteKeyTests
{
    private const double Eps = 1e-10;

    private static double MultiPhoton(double mu) => 1 - Math.Exp(-mu) * (1 + mu);

    [Fact]
    public void WorkedExample_FollowsTheRemarksEquations()
    {
        // 1e9 pulses at mu = 0.1, 7.2e6 clicks, 3.24e6 key bits, a 3.6e5-bit sample with 1 % errors, eps_sec = 1e-10:
        // ln(21/eps) = 26.07; M^U = 1e9 P_multi + sqrt(1e9/2 * 26.07) = 4.679e6 + 1.14e5; Delta^U = 0.6657;
        // f_1^L = 1 - 0.6657 - sqrt(26.07 / 6.48e6) = 0.33230; mu_s = 0.008970; e_1^U = (0.01 + 0.008970) / 0.33230 = 0.05709.
        // (Evaluated independently from the equations in GllpFiniteKey's remarks.)
        var (fraction, phase) = GllpFiniteKey.Bound(1e9, 0.1, 7.2e6, 3.24e6, 3.6e5, 3600, Eps);
        Assert.Equal(0.33229810937886345, fraction, 1e-12);
        Assert.Equal(0.057087871246808405, phase, 1e-12);
    }

    [Fact]
    public void HugeBlock_ApproachesTheAsymptoticGllpWorstCase()
    {
        // GLLP (QIC 4, 325 (2004)): Delta = P_multi / Q, e_1 = e / (1 - Delta) as the deviations vanish.
        const double mu = 0.1, gain = 7.2e-3, qber = 0.01, pulses = 1e16;
        var detections = pulses * gain;
        var (fraction, phase) = GllpFiniteKey.Bound(pulses, mu, detections, 0.45 * detections, 0.05 * detections, 0.05 * detections * qber, Eps);
        var asymptotic = 1 - MultiPhoton(mu) / gain;
        Assert.Equal(asymptotic, fraction, 1e-5);
        Assert.Equal(qber / asymptotic, phase, 1e-4);
        Assert.True(fraction < asymptotic, "a finite block never claims more single photons than the asymptotic bound");
    }

    [Fact]
    public void SmallerBlocks_ClaimFewerSinglePhotonsAndMorePhaseError()
    {
        const double mu = 0.1, gain = 7.2e-3, qber = 0.01;
        double lastFraction = 1, lastPhase = 0;
        foreach (var pulses in new[] { 1e14, 1e12, 1e10, 1e9, 3e8 })
        {
            var d = pulses * gain;
            var (fraction, phase) = GllpFiniteKey.Bound(pulses, mu, d, 0.45 * d, 0.05 * d, 0.05 * d * qber, Eps);
            Assert.True(fraction < lastFraction, $"f1 at {pulses:G2} pulses");
            Assert.True(phase >= lastPhase, $"e1 at {pulses:G2} pulses");
            (lastFraction, lastPhase) = (fraction, phase);
        }
    }

    [Theory]
    [InlineData(1e9, 0.1, 0, 1e3, 1e2, 0)] // no clicks
    [InlineData(1e9, 0.1, 1e6, 0, 1e2, 0)] // no key bits
    [InlineData(1e9, 0.1, 1e6, 1e5, 0, 0)] // no sample
    [InlineData(1e9, 0.8, 1e6, 4e5, 5e4, 0)] // multi-photon pulses alone could explain every click
    public void UnboundableBlock_GivesNoSinglePhotons(double pulses, double mu, double detections, double keyBits, double sample, double errors)
        => Assert.Equal((0.0, 0.5), GllpFiniteKey.Bound(pulses, mu, detections, keyBits, sample, errors, Eps));

    [Fact]
    public void Model_RisesWithTheBlock_TowardsTheAsymptoticGllpRate_NeverAbove()
    {
        // keyrate --model gllp-finite: the same bound on a block's expected counts (seed 000's link at 2 km, mu 0.06).
        var link = LinkPresets.Get("seed-000").WithFiberLength(2);
        var asymptotic = new GllpModel().Evaluate(link, 0.06).KeyRatePerPulse;
        var last = double.NegativeInfinity;
        foreach (var block in new[] { 1e5, 1e6, 1e7, 1e9, 1e12 })
        {
            var rate = new GllpFiniteModel(new FiniteKeyParameters(block)).Evaluate(link, 0.06).KeyRatePerPulse;
            Assert.True(rate > last, $"rate at a block of {block:G2} bits");
            Assert.True(rate < asymptotic, $"finite rate below the asymptotic one at {block:G2} bits");
            last = rate;
        }
        // The limit is (1 - f_s) of GLLP's rate: the disclosed 10 % sample is not key.
        Assert.InRange(last / asymptotic, 0.97 * (1 - GllpFiniteModel.DefaultSampleFraction), 1 - GllpFiniteModel.DefaultSampleFraction);
        Assert.Equal("gllp-finite", KeyRateModels.Get("gllp-finite").Name);
    }
}
