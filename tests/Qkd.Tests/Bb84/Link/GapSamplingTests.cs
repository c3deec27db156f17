using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>
/// Gap sampling (cost per click) against the naive per-pulse reference (cost per pulse), which shares none of
/// its sampling code: both must draw the same process, including Eve, dead time and afterpulses.
/// </summary>
public class GapSamplingTests
{
    public static TheoryData<string, double, double> Cases() => new()
    {
        { "none", 0, 0 },
        { "none", 25e-6, 0.05 },
        { "intercept-resend", 0, 0 },
        { "pns", 0, 0 },
        { "beam-splitting", 10e-6, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GapSampler_AndPerPulseReference_AgreeWithin4Sigma(string eve, double deadTimeSeconds, double afterpulse)
    {
        // A short, efficient link so that the per-pulse reference gets many clicks quickly.
        var link = LinkPresets.Gys(5).WithDetector(new Detector(0.3, 1e-3, 0.03, deadTimeSeconds, afterpulse));
        var attacker = eve switch
        {
            "intercept-resend" => new Eavesdropper(EavesdropperKind.InterceptResend, 0.5),
            "pns" => new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1),
            "beam-splitting" => new Eavesdropper(EavesdropperKind.BeamSplitting, 1),
            _ => Eavesdropper.None,
        };
        var settings = new SimulationSettings(link, ProtocolKind.Bb84, Bb84TestLinks.VacuumWeak(0.6, 0.1), attacker, 3_000_000, seed: 11, sampleFraction: 0.5);

        var fast = LinkSimulator.Run(settings);
        var reference = LinkSimulator.RunPerPulse(settings with { });

        SameProportion(fast.Detections, fast.Pulses, reference.Detections, reference.Pulses, "overall gain");
        SameProportion(fast.DeadPulses, fast.Pulses, reference.DeadPulses, reference.Pulses, "dead pulses");
        for (var k = 0; k < settings.Intensities.Length; k++)
        {
            var a = fast.PerIntensity[k];
            var b = reference.PerIntensity[k];
            SameProportion(a.Detections, a.Pulses, b.Detections, b.Pulses, $"gain of {a.Name}");
            SameProportion(a.Pulses, fast.Pulses, b.Pulses, reference.Pulses, $"share of {a.Name} pulses");
            SameProportion(a.Errors, a.Disclosed, b.Errors, b.Disclosed, $"QBER of {a.Name}");
            SameProportion(a.SiftedZ, a.Detections, b.SiftedZ, b.Detections, $"Z sifting of {a.Name}");
        }
        SameProportion(fast.EveKnownKeyBits, fast.SiftedBits, reference.EveKnownKeyBits, reference.SiftedBits, "Eve's share of the key");
    }

    [Fact]
    public void DeadTime_GainFollowsNonParalyzableFormula()
    {
        // With a dead window of D pulses after each click, clicks per pulse = Q / (1 + D Q) (renewal theory:
        // mean cycle D + 1/Q pulses; e.g. Knoll, Radiation Detection and Measurement, 4th ed., 2010, Eq. 4.23).
        var link = LinkPresets.Gys(10).WithDetector(new Detector(0.1, 1e-5, 0.02, deadTimeSeconds: 50e-6));
        var settings = SimulationSettings.FromLink(link, ProtocolKind.Bb84, 2_000_000_000, seed: 4);
        var result = LinkSimulator.Run(settings);

        var q = 0.0;
        foreach (var i in settings.Intensities)
        {
            q += i.Probability * Qkd.KeyRate.ChannelStatistics.Gain(link, i.MeanPhotonNumber);
        }
        var dead = 99; // 50 us at 2 MHz: pulses 1..99 after a click are blind
        var expected = q / (1 + dead * q);
        Assert.InRange(result.Gain, expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void TurinPreset_DeadTimeLimitedGain_MatchesTheKeyRateModelsDeadTimeFactor()
    {
        // The analytic side (KeyRateAnalysis.DeadTimeFactor, Rusca et al. 2018, Eq. B3) and the simulator treat the
        // 90 us dead time of the calibrated Turin preset independently; they must agree on the click rate.
        var link = LinkPresets.Turin();
        var settings = SimulationSettings.FromLink(link, ProtocolKind.ThreeState, 30_000_000_000, seed: 12);
        var result = LinkSimulator.Run(settings);

        var q = 0.0;
        foreach (var i in settings.Intensities)
        {
            q += i.Probability * Qkd.KeyRate.ChannelStatistics.Gain(link, i.MeanPhotonNumber);
        }
        var expected = q * Qkd.KeyRate.Analysis.KeyRateAnalysis.DeadTimeFactor(link, q);
        Assert.InRange(result.Gain, expected * 0.99, expected * 1.01);
    }

    private static void SameProportion(long x1, long n1, long x2, long n2, string what)
    {
        var p1 = x1 / (double)n1;
        var p2 = x2 / (double)n2;
        var p = (x1 + x2) / (double)(n1 + n2);
        var sigma = Math.Sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
        Assert.True(Math.Abs(p1 - p2) <= 4 * sigma + 1e-12, $"{what}: gap sampler {p1:G6} ({x1}/{n1}) vs per-pulse {p2:G6} ({x2}/{n2}), {Math.Abs(p1 - p2) / sigma:F2} sigma");
    }
}
