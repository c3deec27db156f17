using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Estimation;
using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>Slices of link time joined into one block, and the attacker's window over link time.</summary>
public class SimulationBlocksTests
{
    private static readonly LinkDescription Turin = LinkPresets.Turin();

    private static SimulationResult Slice(ulong seed, Eavesdropper? eve = null, long pulses = 300_000_000)
        => LinkSimulator.Run(SimulationSettings.FromLink(Turin, ProtocolKind.ThreeState, pulses, seed, eve), maxThreads: 1);

    [Fact]
    public void Concatenate_AddsEveryCount_JoinsTheKeysInOrder_AndRecomputesTheEstimate()
    {
        var a = Slice(1);
        var b = Slice(2);

        var block = SimulationBlocks.Concatenate([a, b]);

        Assert.Equal(a.Pulses + b.Pulses, block.Pulses);
        Assert.Equal(a.Detections + b.Detections, block.Detections);
        Assert.Equal(a.SiftedBits + b.SiftedBits, block.SiftedBits);
        Assert.Equal(a.Statistics.KeyBits + b.Statistics.KeyBits, block.Statistics.KeyBits);
        for (var i = 0; i < a.Statistics.Errors.Length; i++)
        {
            Assert.Equal(a.Statistics.Errors[i] + b.Statistics.Errors[i], block.Statistics.Errors[i]);
            Assert.Equal(a.Statistics.Disclosed[i] + b.Statistics.Disclosed[i], block.Statistics.Disclosed[i]);
        }
        for (var i = 0; i < a.SiftedBits; i++)
        {
            Assert.Equal(a.AliceSiftedKey[i], block.AliceSiftedKey[i]);
            Assert.Equal(a.BobSiftedKey[i], block.BobSiftedKey[i]);
        }
        for (var i = 0; i < b.SiftedBits; i++)
        {
            Assert.Equal(b.AliceSiftedKey[i], block.AliceSiftedKey[a.SiftedBits + i]);
        }
        var expected = SecurityEstimator.Estimate(block.Settings, block.Statistics);
        Assert.Equal(expected.E1Upper, block.E1Upper);
        Assert.Equal(expected.Y1Lower, block.Y1Lower);
        Assert.Equal(Eavesdropper.None, block.Settings.Eve);
        Assert.Equal((a.KeyQber * a.SiftedBits + b.KeyQber * b.SiftedBits) / block.SiftedBits, block.KeyQber, 12);
    }

    [Fact]
    public void Concatenate_HalfTheBlockUnderInterceptResend_SummarisesEveAsHalfStrength_AndRaisesTheQber()
    {
        var clean = Slice(3);
        var attacked = Slice(4, new Eavesdropper(EavesdropperKind.InterceptResend, 1));

        var block = SimulationBlocks.Concatenate([clean, attacked]);

        Assert.Equal(EavesdropperKind.InterceptResend, block.Settings.Eve.Kind);
        Assert.Equal(0.5, block.Settings.Eve.Fraction, 9);
        Assert.InRange(clean.Qber, 0, 0.04);
        Assert.InRange(attacked.Qber, 0.2, 0.3);
        Assert.InRange(block.Qber, clean.Qber, attacked.Qber);
    }

    [Fact]
    public void Concatenate_TwoKindsOfAttacker_Throws()
    {
        var ir = Slice(5, new Eavesdropper(EavesdropperKind.InterceptResend, 1), 60_000_000);
        var bs = Slice(6, new Eavesdropper(EavesdropperKind.BeamSplitting, 1), 60_000_000);
        Assert.Throws<ArgumentException>(() => SimulationBlocks.Concatenate([ir, bs]));
        Assert.Throws<ArgumentException>(() => SimulationBlocks.Concatenate([]));
    }

    [Fact]
    public void KeyQber_ThreeState_CountsTheZBasisOfEveryIntensity_AsTheResultDoes()
    {
        var s = Slice(7);
        var (qber, disclosed) = SimulationBlocks.KeyQber(s.Settings, s.Statistics);
        Assert.Equal(s.Qber, qber);
        Assert.Equal(s.Statistics.Disclosed[0] + s.Statistics.Disclosed[2], disclosed);
    }

    [Fact]
    public void EavesdropperWindow_AttacksSlicesStartingInside_AndValidatesItsBounds()
    {
        var eve = new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1);
        var w = new EavesdropperWindow(eve, 10, 20).Validated();
        Assert.Equal(Eavesdropper.None, w.At(9.99));
        Assert.Equal(eve, w.At(10));
        Assert.Equal(eve, w.At(19.5));
        Assert.Equal(Eavesdropper.None, w.At(20));
        Assert.False(EavesdropperWindow.None.IsOnAt(5));
        Assert.Throws<ArgumentException>(() => new EavesdropperWindow(eve, 20, 10).Validated());
        Assert.ThrowsAny<ArgumentException>(() => new EavesdropperWindow(eve, -1, 10).Validated());
    }
}
