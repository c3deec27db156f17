using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>
/// Seeds 000 and 001 claim that more dark counts lower the QBER and that a higher efficiency raises it.
/// Physics (Ma et al., PRA 72, 012326, 2005, Eq. 9: background counts err half the time) says the opposite;
/// the simulator follows physics, and these tests pin it on simulated data.
/// </summary>
public class PhysicsTrendTests
{
    private static SimulationResult Run(double efficiency, double dark)
    {
        var link = LinkPresets.Seed001(100).WithDetector(new Detector(efficiency, dark, 0.01));
        return LinkSimulator.Run(SimulationSettings.FromLink(link, ProtocolKind.Bb84, 1_000_000_000, seed: 100, sampleFraction: 0.5));
    }

    [Fact]
    public void MoreDarkCounts_RaiseTheQber()
    {
        var quiet = Run(0.2, 1e-7);
        var noisy = Run(0.2, 1e-5);
        Assert.True(noisy.Qber > quiet.Qber + 0.005, $"QBER {noisy.Qber:P2} at 1e-5 dark counts vs {quiet.Qber:P2} at 1e-7");
    }

    [Fact]
    public void HigherEfficiency_LowersTheQber()
    {
        var low = Run(0.05, 1e-5);
        var high = Run(0.2, 1e-5);
        Assert.True(high.Qber < low.Qber - 0.005, $"QBER {high.Qber:P2} at efficiency 0.2 vs {low.Qber:P2} at 0.05");
    }
}
