using Qkd.Distillation;
using Qkd.Physics;
using Qkd.Bb84.Link;

namespace Qkd.Tests.Distillation;

public class BlockLengthChoiceTests
{
    [Fact]
    public void Turin_Within60s_ChoosesABlockThatDeliversKey()
    {
        var link = LinkPresets.Get("turin");
        var choice = BlockLengthChoice.Choose(link, link.Source.SignalMeanPhotonNumber, oneDecoy: true);
        Assert.InRange(choice.BlockSeconds, 1, 60);
        Assert.True(choice.DeliveredRateBps > 0, $"{choice.BlockSeconds} s: {choice.DeliveredRateBps} bit/s");
        Assert.Equal("decoy-one-finite", choice.Model);
    }

    [Fact]
    public void Turin_KeyBasisDetectionsOfTheChosenBlock_MatchTheDeadTimeLimitedSimulator()
    {
        // The Turin link is dead-time limited (90 us, c_dt ~ 1/180): the block's n_Z must count the clicks the detectors
        // really register, or the bound is evaluated for a block ~180 times larger than the link delivers.
        var link = LinkPresets.Get("turin");
        var choice = BlockLengthChoice.Choose(link, link.Source.SignalMeanPhotonNumber, oneDecoy: true);
        var sim = LinkSimulator.Run(SimulationSettings.FromLink(link, ProtocolKind.ThreeState, (long)(20 * link.Source.RepetitionRateHz), 7), 1);
        var simulatedPerSecond = (sim.Statistics.Sifted[0] + sim.Statistics.Sifted[2]) / sim.LinkSeconds;
        Assert.InRange(choice.KeyBasisDetections / choice.BlockSeconds / simulatedPerSecond, 0.97, 1.03);
    }

    [Fact]
    public void LongerLatency_NeverChoosesASlowerBlock()
    {
        var link = LinkPresets.Get("turin");
        var short60 = BlockLengthChoice.Choose(link, link.Source.SignalMeanPhotonNumber, oneDecoy: true, maxLatencySeconds: 60);
        var long300 = BlockLengthChoice.Choose(link, link.Source.SignalMeanPhotonNumber, oneDecoy: true, maxLatencySeconds: 300);
        Assert.True(long300.DeliveredRateBps >= short60.DeliveredRateBps * BlockLengthChoice.NearOptimalFraction);
        Assert.True(long300.BlockSeconds >= short60.BlockSeconds);
    }

    [Fact]
    public void LatencyOutsideRange_Throws()
    {
        var link = LinkPresets.Get("turin");
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockLengthChoice.Choose(link, 0.5, true, maxLatencySeconds: 0.5));
    }
}
