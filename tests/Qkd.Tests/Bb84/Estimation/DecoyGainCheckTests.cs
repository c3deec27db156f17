using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Estimation;
using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84.Estimation;

/// <summary>The live decoy-gain check: quiet on an honest link, loud under photon-number splitting that leaves the QBER alone.</summary>
public sealed class DecoyGainCheckTests
{
    /// <summary>Five seconds of the Turin link (seed 002's three-state BB84, one decoy), the alarm window of the demo.</summary>
    private static SimulationSettings Turin(ulong seed, Eavesdropper? eve = null)
    {
        var link = LinkPresets.Get("turin");
        return SimulationSettings.FromLink(link, ProtocolKind.ThreeState, (long)(5 * link.Source.RepetitionRateHz), seed, eve);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void HonestLink_DecoyShareMatchesTheFibreModel_NoAlarm(ulong seed)
    {
        var settings = Turin(seed);
        var result = LinkSimulator.Run(settings);
        var z = DecoyGainCheck.ZScore(settings, result.Statistics);
        Assert.InRange(z, -4, 4);
        Assert.False(DecoyGainCheck.Alarm(settings, result.Statistics));
    }

    [Fact]
    public void PhotonNumberSplitting_KeepsTheSignalGain_ButTheDecoyShareFalls_AndTheAlarmFires()
    {
        var honest = Turin(4);
        var attacked = Turin(4, new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1));
        var h = LinkSimulator.Run(honest).Statistics;
        var a = LinkSimulator.Run(attacked).Statistics;
        // Eve is calibrated to keep the signal gain (Brassard et al. 2000), so gain alone does not show her ...
        Assert.InRange(a.Gain(0) / h.Gain(0), 0.9, 1.1);
        // ... but the decoy, richer in single photons, loses most of its clicks.
        Assert.True(a.Gain(1) / h.Gain(1) < 0.7, $"decoy gain ratio {a.Gain(1) / h.Gain(1)}");
        Assert.True(DecoyGainCheck.ZScore(attacked, a) < DecoyGainCheck.AlarmZ);
        Assert.True(DecoyGainCheck.Alarm(attacked, a));
    }

    [Fact]
    public void NoDecoyOrNoClicks_GivesNaN_AndNoAlarm()
    {
        var settings = Turin(5);
        var run = LinkSimulator.Run(settings).Statistics;
        var empty = run with { Detections = [.. run.Detections.Select(_ => 0L)] };
        Assert.True(double.IsNaN(DecoyGainCheck.ZScore(settings, empty)));
        Assert.False(DecoyGainCheck.Alarm(settings, empty));
    }
}
