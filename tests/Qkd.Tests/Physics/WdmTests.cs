using Qkd.KeyRate;
using Qkd.KeyRate.Decoy;
using Qkd.Physics;

namespace Qkd.Tests.Physics;

public class WdmTests
{
    private static readonly WdmConfiguration Passive = WdmConfiguration.For(WdmKind.Passive);

    [Fact]
    public void ForwardRaman_PeaksAtOneOverAttenuation_BackwardSaturates()
    {
        // Eraerds et al., NJP 12, 063027 (2010), Eqs. (1)-(2): P_f ~ L e^{-aL} is largest at L = 1/a (21.7 km at 0.2 dB/km);
        // P_b ~ (1 - e^{-2aL})/(2a) grows monotonically to P rho dlambda/(2a).
        var co = new WdmDataChannel(0, 1530, PropagationDirection.CoPropagating);
        var counter = new WdmDataChannel(0, 1530, PropagationDirection.CounterPropagating);
        double F(double km) => RamanScattering.NoisePowerWatts(co, new Fiber(km, 0.2), Passive);
        double B(double km) => RamanScattering.NoisePowerWatts(counter, new Fiber(km, 0.2), Passive);
        var peak = 10 / (0.2 * Math.Log(10));
        Assert.True(F(peak) > F(peak - 5) && F(peak) > F(peak + 5));
        Assert.True(B(100) > B(50) && B(50) > B(10));
        Assert.True(B(200) / B(100) < 1.02);
        Assert.Equal(B(0.001) / 0.001, F(0.001) / 0.001, 3);
    }

    [Fact]
    public void Raman_StokesSideExceedsAntiStokes()
    {
        // Quantum at the longer wavelength (Stokes) receives (n_th + 1)/n_th times more than at the same shift on the anti-Stokes side.
        var stokes = RamanScattering.CoefficientPerKmPerNm(1550, 1450);
        var anti = RamanScattering.CoefficientPerKmPerNm(1450, 1550);
        Assert.True(stokes > 2 * anti);
        Assert.True(RamanScattering.CoefficientPerKmPerNm(1550, 1550.8) > 0);
        Assert.InRange(RamanScattering.CoefficientPerKmPerNm(1650, 1550), 0.8 * RamanScattering.DefaultPeakPerKmPerNm, 1.2 * RamanScattering.DefaultPeakPerKmPerNm);
    }

    [Fact]
    public void Apply_PassiveWdm_AddsInsertionLossAndNoise()
    {
        var link = LinkPresets.Seed001(25).With(extraLossDb: 0);
        var applied = WdmLink.Apply(link, Passive, [new WdmDataChannel(-10, 1530, PropagationDirection.CoPropagating)]);
        Assert.Equal(2.0, applied.ExtraLossDb, 9);
        Assert.True(applied.NoiseCountProbability > 0);
        Assert.True(applied.BackgroundYield > link.BackgroundYield);
    }

    [Fact]
    public void MoreLaunchPower_RaisesQber()
    {
        var link = LinkPresets.Seed001(40);
        double Qber(double dbm) => ChannelStatistics.Qber(
            WdmLink.Apply(link, Passive, [new WdmDataChannel(dbm, 1530, PropagationDirection.CoPropagating)]), 0.1);
        Assert.True(Qber(-20) < Qber(-10) && Qber(-10) < Qber(0));
    }

    [Fact]
    public void TolerableLaunchPower_FallsWithDistance()
    {
        var model = new DecoyVacuumWeakModel();
        var channels = new[] { new WdmDataChannel(0, 1530, PropagationDirection.CoPropagating) };
        var near = WdmLink.MaxTolerableLaunchPowerDbm(model, LinkPresets.Seed001(10), Passive, channels);
        var far = WdmLink.MaxTolerableLaunchPowerDbm(model, LinkPresets.Seed001(60), Passive, channels);
        Assert.True(near > far, $"{near} dBm at 10 km vs {far} dBm at 60 km");
        Assert.True(double.IsPositiveInfinity(WdmLink.MaxTolerableLaunchPowerDbm(model, LinkPresets.Seed001(10), Passive, [])));
    }

    [Fact]
    public void NoWdm_AddsNothing()
    {
        var link = LinkPresets.Turin();
        var applied = WdmLink.Apply(link, WdmConfiguration.For(WdmKind.None), [new WdmDataChannel(0, 1550, PropagationDirection.CoPropagating)]);
        Assert.Equal(link.ExtraLossDb, applied.ExtraLossDb);
        Assert.Equal(link.NoiseCountProbability, applied.NoiseCountProbability);
    }

    [Fact]
    public void ClassicalChannel_PowerOutOfRange_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new WdmDataChannel(40, 1550, PropagationDirection.CoPropagating));
}
