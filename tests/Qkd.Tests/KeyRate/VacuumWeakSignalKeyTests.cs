using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate;

/// <summary>
/// The finite-key length of a vacuum + weak decoy block whose key is the signal's detections in both bases: Lim et al.,
/// PRA 89, 022307 (2014), Eqs. (2)-(5), per basis, kept conservative for the key subset.
/// </summary>
public class VacuumWeakSignalKeyTests
{
    private const double EpsSec = 1e-10, EpsCor = 1e-15;

    /// <summary>Expected counts of the GYS link at 25 km for a block of <paramref name="pulses"/> (Ma et al. 2005 Eq. 9).</summary>
    private static (VacuumWeakCounts Counts, double Leak) Gys25(double pulses, double sampleFraction = 0)
    {
        var link = LinkPresets.Gys(25);
        var eta = link.OverallTransmittance;
        double[] mu = [0.48, 0.05, 0];
        double[] p = [0.7, 0.15, 0.15];
        var n = new double[6];
        var m = new double[6];
        for (var k = 0; k < 3; k++)
        {
            var q = ChannelStatistics.Gain(mu[k], eta, link.BackgroundYield);
            var e = mu[k] == 0 ? 0.5 : ChannelStatistics.Qber(mu[k], eta, link.BackgroundYield, link.Detector.Misalignment);
            for (var b = 0; b < 2; b++)
            {
                n[2 * k + b] = pulses * p[k] * 0.25 * q;
                m[2 * k + b] = n[2 * k + b] * e;
            }
        }
        var key = (1 - sampleFraction) * n[0];
        var leak = 1.05 * 2 * key * Entropy.Binary(m[0] / n[0]);
        return (new VacuumWeakCounts([.. mu], [.. p], [.. n], [.. m], key, key), leak);
    }

    [Fact]
    public void Gys25Km_TenSecondBlock_NoKey()
    {
        // 2e7 pulses: ~520 weak-decoy Z detections against a Hoeffding deviation sqrt(n_Z/2 ln(21/eps)) of ~550.
        var (c, leak) = Gys25(2e7);
        Assert.True(VacuumWeakSignalKey.Length(c, leak, EpsSec, EpsCor) < 0);
        Assert.Equal(0, VacuumWeakSignalKey.SecretKeyLength(c, leak, EpsSec, EpsCor));
    }

    [Fact]
    public void Gys25Km_LongBlock_GivesKey_NeverMoreThanLimOnAllTheSameEvents()
    {
        // 1e10 pulses (~1.4 h at 2 MHz): key. The per-basis entropy of the key subset never exceeds Lim's Eq. (1) entropy
        // terms s_{B,0} + s_{B,1}(1 - h(phi_B)) for all the events of that basis at the full eps_sec.
        var (c, leak) = Gys25(1e10);
        var l = VacuumWeakSignalKey.Length(c, leak, EpsSec, EpsCor);
        Assert.True(l > 0, $"{l} bits");
        double[] mu = [.. c.Mu], p = [.. c.Probability];
        double[] nZ = [c.Detections[0], c.Detections[2], c.Detections[4]], nX = [c.Detections[1], c.Detections[3], c.Detections[5]];
        double[] mZ = [c.Errors[0], c.Errors[2], c.Errors[4]], mX = [c.Errors[1], c.Errors[3], c.Errors[5]];
        var z = VacuumWeakFiniteKey.Compute(mu, p, nZ, nX, mX, 0, EpsSec, EpsCor);
        var x = VacuumWeakFiniteKey.Compute(mu, p, nX, nZ, mZ, 0, EpsSec, EpsCor);
        var lim = z.SZ0 + z.SZ1 * (1 - Entropy.Binary(z.PhiZ)) + x.SZ0 + x.SZ1 * (1 - Entropy.Binary(x.PhiZ));
        var overhead = 6 * Math.Log2(VacuumWeakSignalKey.ErrorTerms / EpsSec) + Math.Log2(2 / EpsCor);
        Assert.True(l + leak + overhead <= lim, $"{l + leak + overhead} > {lim}");
    }

    [Fact]
    public void DisclosedSample_CostsAtLeastItsShareOfTheKey()
    {
        var (full, leakFull) = Gys25(1e10);
        var (sampled, leakSampled) = Gys25(1e10, sampleFraction: 0.1);
        var lFull = VacuumWeakSignalKey.Length(full, leakFull, EpsSec, EpsCor);
        var lSampled = VacuumWeakSignalKey.Length(sampled, leakSampled, EpsSec, EpsCor);
        Assert.True(lSampled < 0.9 * lFull, $"{lSampled} vs {lFull}");
    }
}
