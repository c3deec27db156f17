using Qkd.KeyRate;
using Qkd.KeyRate.Decoy;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate;

public class ChannelStatisticsTests
{
    [Fact]
    public void Transmittance_ZeroLength_IsOne() => Assert.Equal(1.0, new Fiber(0, 0.2).Transmittance);

    [Fact]
    public void Transmittance_MultipliesOverConcatenatedFibres()
    {
        var a = new Fiber(12, 0.21).Transmittance;
        var b = new Fiber(30, 0.21).Transmittance;
        Assert.Equal(a * b, new Fiber(42, 0.21).Transmittance, 12);
    }

    [Fact]
    public void Qber_NoSignal_TendsToOneHalf()
        => Assert.Equal(0.5, ChannelStatistics.Qber(0.5, 1e-15, 1e-6, 0.03), 6);

    [Fact]
    public void Qber_NoDarkCounts_EqualsMisalignment()
        => Assert.Equal(0.033, ChannelStatistics.Qber(0.5, 1e-2, 0, 0.033), 12);

    [Fact]
    public void Gain_SmallEtaMu_IsY0PlusEtaMu()
        => Assert.Equal(1e-6 + 1e-7, ChannelStatistics.Gain(1, 1e-7, 1e-6), 12);

    [Fact]
    public void Entropy_IsSymmetricAndOneAtHalf()
    {
        Assert.Equal(1.0, Entropy.Binary(0.5), 12);
        Assert.Equal(Entropy.Binary(0.11), Entropy.Binary(0.89), 12);
        Assert.Equal(0.0, Entropy.Binary(0));
    }

    [Fact]
    public void VacuumWeakBounds_OnExactStatistics_AreTight()
    {
        // With exact expected statistics and a small decoy, Y1^L approaches Y1 = Y0 + eta from below
        // (Ma et al., PRA 72, 012326, 2005, Sec. V: the vacuum+weak bound is tight as nu -> 0).
        const double eta = 1e-3, y0 = 1.7e-6, ed = 0.033, mu = 0.48, nu = 0.05;
        var b = DecoyBounds.VacuumPlusWeak(mu, nu,
            ChannelStatistics.Gain(mu, eta, y0), ChannelStatistics.Qber(mu, eta, y0, ed),
            ChannelStatistics.Gain(nu, eta, y0), ChannelStatistics.Qber(nu, eta, y0, ed), y0);
        var y1 = ChannelStatistics.Yield(1, eta, y0);
        Assert.InRange(b.Y1Lower, 0.95 * y1, y1 * 1.000001);
        Assert.InRange(b.E1Upper, ChannelStatistics.ErrorRate(1, eta, y0, ed) * 0.999, 0.05);
    }
}
