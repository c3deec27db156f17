using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

public class DeterminismTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        { "gys", "bb84", "none" },
        { "turin", "three-state", "none" },
        { "gys", "bb84", "intercept-resend" },
        { "gys", "bb84", "pns" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameSeed_GivesIdenticalSiftedKeys_OnOneAndTwoThreads(string preset, string protocol, string eve)
    {
        var link = LinkPresets.Get(preset);
        var kind = protocol == "three-state" ? ProtocolKind.ThreeState : ProtocolKind.Bb84;
        var attacker = eve switch
        {
            "intercept-resend" => new Eavesdropper(EavesdropperKind.InterceptResend, 0.3),
            "pns" => new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1),
            _ => Eavesdropper.None,
        };
        // Enough clicks for dozens of chunks (dead time included for the Turin preset).
        var pulses = preset == "turin" ? 6_000_000_000L : 100_000_000L;
        var settings = SimulationSettings.FromLink(link, kind, pulses, seed: 0xC0FFEE, attacker);

        var one = LinkSimulator.Run(settings, maxThreads: 1);
        var two = LinkSimulator.Run(settings, maxThreads: 2);

        Assert.True(one.Detections > 100_000, $"only {one.Detections} clicks");
        Assert.Equal(one.AliceSiftedKey, two.AliceSiftedKey);
        Assert.Equal(one.BobSiftedKey, two.BobSiftedKey);
        Assert.True(one.Statistics.SameCounts(two.Statistics));
        Assert.Equal(one.Estimate, two.Estimate);
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentKeys()
    {
        var link = LinkPresets.Gys(25);
        var a = LinkSimulator.Run(SimulationSettings.FromLink(link, ProtocolKind.Bb84, 10_000_000, seed: 1));
        var b = LinkSimulator.Run(SimulationSettings.FromLink(link, ProtocolKind.Bb84, 10_000_000, seed: 2));
        Assert.NotEqual(a.AliceSiftedKey, b.AliceSiftedKey);
    }
}
