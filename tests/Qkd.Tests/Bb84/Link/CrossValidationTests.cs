using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.KeyRate;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>
/// The simulator against the analytic model (Ma, Qi, Zhao, Lo, PRA 72, 012326, 2005, Eq. 9, in
/// <see cref="ChannelStatistics"/>): per intensity, the click count is binomial(N_k, Q_k) and the errors among
/// the disclosed bits binomial(d_k, E_k), so each must fall within 4 standard deviations.
/// </summary>
public class CrossValidationTests
{
    public static TheoryData<string, double, string> Grid() => new()
    {
        { "gys", 0, "bb84" },
        { "gys", 25, "bb84" },
        { "gys", 50, "bb84" },
        { "gys", 100, "bb84" },
        { "seed-001", 10, "bb84" },
        { "seed-001", 80, "bb84" },
        { "turin", 12.7, "three-state" },
        { "turin", 50, "three-state" },
    };

    [Theory]
    [MemberData(nameof(Grid))]
    public void GainAndQberOfEachIntensity_MatchAnalyticModel_Within4Sigma(string preset, double distanceKm, string protocol)
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Get(preset).WithFiberLength(distanceKm));
        var kind = protocol == "three-state" ? ProtocolKind.ThreeState : ProtocolKind.Bb84;
        var intensities = preset == "gys" ? Bb84TestLinks.VacuumWeak() : SimulationSettings.DefaultIntensities(link.Source);
        if (preset == "seed-001")
        {
            intensities = [new PulseIntensity("signal", 0.5, 0.75), new PulseIntensity("decoy", 0.1, 0.25)];
        }
        var pulses = Bb84TestLinks.PulsesFor(link, intensities, 40_000);
        var settings = new SimulationSettings(link, kind, intensities, Eavesdropper.None, pulses, seed: 20260101, sampleFraction: 0.5);

        var result = LinkSimulator.Run(settings);

        for (var k = 0; k < intensities.Length; k++)
        {
            var mu = intensities[k].MeanPhotonNumber;
            var s = result.PerIntensity[k];
            Bb84TestLinks.WithinSigmas(s.Detections, s.Pulses, ChannelStatistics.Gain(link, mu), 4, $"{preset} {distanceKm} km gain of {s.Name}");
            var e = ChannelStatistics.Qber(link, mu);
            Bb84TestLinks.WithinSigmas(s.Errors, s.Disclosed, e, 4, $"{preset} {distanceKm} km QBER of {s.Name}");
        }
        Assert.Equal(settings.Pulses, result.PerIntensity.Sum(i => i.Pulses));
    }

    [Fact]
    public void NoEavesdropper_KeyQber_IsAnalyticQber()
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Gys(40));
        var settings = new SimulationSettings(link, ProtocolKind.Bb84, Bb84TestLinks.VacuumWeak(), Eavesdropper.None, 400_000_000, seed: 7);

        var result = LinkSimulator.Run(settings);

        var expected = ChannelStatistics.Qber(link, 0.48);
        var errors = (long)Math.Round(result.KeyQber * result.SiftedBits);
        Bb84TestLinks.WithinSigmas(errors, result.SiftedBits, expected, 4, "true QBER of the sifted key");
        Bb84TestLinks.WithinSigmas((long)Math.Round(result.Qber * result.PerIntensity[0].Disclosed), result.PerIntensity[0].Disclosed, expected, 4, "estimated QBER");
        Assert.True(result.Secure);
        Assert.Equal(0, result.EveKnownKeyBits);
    }
}
