using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.KeyRate;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>The link must expose every attack it claims to expose, and must not cry wolf on an honest fibre.</summary>
public class EavesdropperTests
{
    [Fact]
    public void InterceptResendOnEveryPulse_NoMisalignment_GivesQber25Percent_AndNoKey()
    {
        var gys = LinkPresets.Gys(25);
        var link = Bb84TestLinks.WithoutDeadTime(gys).WithDetector(new Detector(0.045, 1.7e-6, 0));
        var settings = new SimulationSettings(link, ProtocolKind.Bb84, Bb84TestLinks.VacuumWeak(),
            new Eavesdropper(EavesdropperKind.InterceptResend, 1), 30_000_000, seed: 25, sampleFraction: 0.5);

        var result = LinkSimulator.Run(settings);

        // Eve's basis is wrong half the time and then Bob's bit is random: E = 1/2 * 1/2 = 25 % (plus dark counts at 1/2).
        var signal = -Numerics.ExpM1(-link.OverallTransmittance * 0.48);
        var y0 = link.BackgroundYield;
        var expected = (0.5 * y0 + 0.25 * signal * (1 - y0)) / ChannelStatistics.Gain(link, 0.48);
        Assert.InRange(expected, 0.25, 0.2501);
        var s = result.PerIntensity[0];
        Bb84TestLinks.WithinSigmas(s.Errors, s.Disclosed, expected, 4, "signal QBER under intercept-resend");
        Assert.False(result.Secure);
    }

    [Fact]
    public void InterceptResendOnEveryPulse_WithMisalignment_GivesQuarterPlusHalfEdet()
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Gys(25));
        var settings = new SimulationSettings(link, ProtocolKind.Bb84, Bb84TestLinks.VacuumWeak(),
            new Eavesdropper(EavesdropperKind.InterceptResend, 1), 30_000_000, seed: 26, sampleFraction: 0.5);

        var result = LinkSimulator.Run(settings);

        var expected = 0.25 + link.Detector.Misalignment / 2;
        var s = result.PerIntensity[0];
        Bb84TestLinks.WithinSigmas(s.Errors, s.Disclosed, expected, 4, "signal QBER under intercept-resend with e_det");
        Assert.False(result.Secure);
        // Eve knows Alice's bit whenever she guessed the basis: about half of the key.
        Assert.InRange(result.EveKnownKeyBits / (double)result.SiftedBits, 0.48, 0.52);
    }

    [Fact]
    public void InterceptResendOnAFraction_RaisesQberByQuarterOfTheFraction()
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Gys(25)).WithDetector(new Detector(0.045, 1.7e-6, 0));
        var settings = new SimulationSettings(link, ProtocolKind.Bb84, Bb84TestLinks.VacuumWeak(),
            new Eavesdropper(EavesdropperKind.InterceptResend, 0.2), 30_000_000, seed: 27, sampleFraction: 0.5);

        var s = LinkSimulator.Run(settings).PerIntensity[0];

        var signal = -Numerics.ExpM1(-link.OverallTransmittance * 0.48);
        var y0 = link.BackgroundYield;
        var expected = (0.5 * y0 + 0.2 * 0.25 * signal * (1 - y0)) / ChannelStatistics.Gain(link, 0.48);
        Bb84TestLinks.WithinSigmas(s.Errors, s.Disclosed, expected, 4, "signal QBER with 20 % intercepted");
    }

    [Fact]
    public void PhotonNumberSplitting_KeepsSignalGainAndQber_ButDecoyBoundsFlagIt()
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Gys(50));
        var intensities = Bb84TestLinks.VacuumWeak();
        var pulses = 600_000_000L;
        var honest = LinkSimulator.Run(new SimulationSettings(link, ProtocolKind.Bb84, intensities, Eavesdropper.None, pulses, seed: 50));
        var attacked = LinkSimulator.Run(new SimulationSettings(link, ProtocolKind.Bb84, intensities,
            new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1), pulses, seed: 50));

        // Bob's signal gain and QBER look like the honest fibre's ...
        var s = attacked.PerIntensity[0];
        Bb84TestLinks.WithinSigmas(s.Detections, s.Pulses, ChannelStatistics.Gain(link, 0.48), 4, "signal gain under PNS");
        Bb84TestLinks.WithinSigmas(s.Errors, s.Disclosed, ChannelStatistics.Qber(link, 0.48), 4, "signal QBER under PNS");
        Assert.True(attacked.Qber < 0.05, $"signal QBER {attacked.Qber} should stay low under PNS");
        // ... Eve knows a large part of the key ...
        Assert.True(attacked.EveKnownKeyBits > 0.5 * attacked.SiftedBits, $"Eve knows {attacked.EveKnownKeyBits} of {attacked.SiftedBits} bits");
        // ... but the decoy gains betray her: the single-photon yield bound collapses and no key is certified.
        var y1 = ChannelStatistics.Yield(1, link.OverallTransmittance, link.BackgroundYield);
        Assert.True(honest.Secure);
        Assert.InRange(honest.Y1Lower, 0.8 * y1, 1.05 * y1);
        Assert.True(attacked.Y1Lower < 0.25 * y1, $"Y1^L under PNS {attacked.Y1Lower:G4} should collapse below a quarter of {y1:G4}");
        Assert.False(attacked.Secure);
    }

    [Fact]
    public void PhotonNumberSplitting_OnTheThreeStateLink_IsFlaggedByTheOneDecoyBound()
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Turin());
        var honest = LinkSimulator.Run(SimulationSettings.FromLink(link, ProtocolKind.ThreeState, 200_000_000, seed: 3));
        var attacked = LinkSimulator.Run(SimulationSettings.FromLink(link, ProtocolKind.ThreeState, 200_000_000, seed: 3,
            new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1)));

        Assert.True(honest.Secure);
        Assert.True(attacked.Qber < 0.03, $"Z QBER {attacked.Qber} should stay low under PNS");
        Assert.False(attacked.Secure);
        Assert.True(attacked.Y1Lower < 0.5 * honest.Y1Lower);
    }

    [Fact]
    public void BeamSplitting_LeavesBobsStatisticsUnchanged_AndTheBoundsAccountForIt()
    {
        var link = Bb84TestLinks.WithoutDeadTime(LinkPresets.Gys(25));
        var intensities = Bb84TestLinks.VacuumWeak();
        var result = LinkSimulator.Run(new SimulationSettings(link, ProtocolKind.Bb84, intensities,
            new Eavesdropper(EavesdropperKind.BeamSplitting, 1), 200_000_000, seed: 9));

        for (var k = 0; k < intensities.Length; k++)
        {
            var s = result.PerIntensity[k];
            Bb84TestLinks.WithinSigmas(s.Detections, s.Pulses, ChannelStatistics.Gain(link, intensities[k].MeanPhotonNumber), 4, $"gain of {s.Name} under beam splitting");
        }
        // Eve holds a copy of the bit only for multi-photon signal pulses where she caught a photon:
        // about P(Eve has >= 1 of the other photons) ~ mu (1 - t_AB) for small mu.
        var fraction = result.EveKnownKeyBits / (double)result.SiftedBits;
        Assert.InRange(fraction, 0.2, 0.5);
        Assert.True(result.Secure); // GLLP already charges every multi-photon pulse to Eve
    }
}
