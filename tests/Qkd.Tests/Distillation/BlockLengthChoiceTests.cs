using Qkd.Distillation;
using Qkd.Physics;

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
