using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.Distillation;
using Qkd.KeyRate;
using Qkd.Physics;
using Qkd.PostProcessing;

namespace Qkd.Tests.Distillation;

public class KeyDistillationTests
{
    private static SimulationResult Simulate(LinkDescription link, ProtocolKind protocol, double seconds, ulong seed)
        => LinkSimulator.Run(SimulationSettings.FromLink(link, protocol, (long)(seconds * link.Source.RepetitionRateHz), seed), 1);

    [Fact]
    public async Task GysAt25Km_PulsesToSecretKey_KeysEqual_AndGrossRateNearAnalytic()
    {
        var sim = Simulate(LinkPresets.Gys(25), ProtocolKind.Bb84, 20, 11);
        var r = await KeyDistillation.DistillAsync(sim, new PostProcessingOptions(), TimeProvider.System);
        var alice = Assert.Single(r.PostProcessing.AliceKeys);
        var bob = Assert.Single(r.PostProcessing.BobKeys);
        Assert.NotNull(alice);
        Assert.True(alice!.Equals(bob));
        var gross = (r.PostProcessing.Report.SecretBits + r.PostProcessing.Report.AuthenticationKeyReplenishedBits) / sim.LinkSeconds;
        Assert.Equal("decoy-vacuum-weak-finite", r.AnalyticModel);
        // The analytic model is the finite-key bound of Lim et al. 2014 for a block of the same size; the simulated
        // chain still sets its length from decoy bounds without finite-size corrections (DecoyKeyLength), so it
        // cannot fall below the finite bound. (Known gap: the chain should use the same finite bound on its counts.)
        Assert.True(gross >= r.AnalyticSecretKeyRateBps, $"{gross} bit/s below the finite-key {r.AnalyticSecretKeyRateBps} bit/s");
    }

    [Fact]
    public async Task Turin_ThreeState_UsesOneDecoyFiniteKey_AndMatchesAnalyticAtTheBlockSize()
    {
        var sim = Simulate(LinkPresets.Turin(), ProtocolKind.ThreeState, 60, 5);
        var r = await KeyDistillation.DistillAsync(sim, new PostProcessingOptions(), TimeProvider.System);
        Assert.Equal("decoy-one-finite", r.AnalyticModel);
        var gross = (r.PostProcessing.Report.SecretBits + r.PostProcessing.Report.AuthenticationKeyReplenishedBits) / sim.LinkSeconds;
        Assert.InRange(gross / r.AnalyticSecretKeyRateBps, 0.5, 2.0);
    }

    [Fact]
    public async Task InterceptResendOnEveryPulse_GivesNoSecretKey()
    {
        var link = LinkPresets.Gys(10);
        var settings = new SimulationSettings(link, ProtocolKind.Bb84, SimulationSettings.DefaultIntensities(link.Source),
            new Eavesdropper(EavesdropperKind.InterceptResend, 1), (long)(5 * link.Source.RepetitionRateHz), 3, 0.1);
        var sim = LinkSimulator.Run(settings, 1);
        var r = await KeyDistillation.DistillAsync(sim, new PostProcessingOptions(), TimeProvider.System);
        Assert.Equal(0, r.PostProcessing.Report.SecretBits + r.PostProcessing.Report.AuthenticationKeyReplenishedBits);
    }

    [Fact]
    public void DecoyKeyLength_IsGllpOnKeyBits()
    {
        // n = 100000 key bits, Q1/Q = 0.6, e1 = 3 %, leak 20000, eps_sec = 1e-10, eps_cor = 1e-15:
        // 100000 * 0.6 * (1 - h(0.03)) - 20000 - log2(2 / (1e-20 * 1e-15)).
        var expected = Math.Floor(100000 * 0.6 * (1 - Entropy.Binary(0.03)) - 20000 - Math.Log2(2 / (1e-20 * 1e-15)));
        Assert.Equal(expected, DecoyKeyLength.SecretKeyLength(100000, new SinglePhotonEstimate(0.6, 0.03), 20000, 1e-10, 1e-15));
        Assert.Equal(0, DecoyKeyLength.SecretKeyLength(100000, new SinglePhotonEstimate(0.1, 0.2), 60000, 1e-10, 1e-15));
    }
}
