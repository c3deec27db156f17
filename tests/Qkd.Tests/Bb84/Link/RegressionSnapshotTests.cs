using System.Security.Cryptography;
using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>
/// Seeded end-to-end snapshot: a fixed link (written out here, independent of preset calibration) and seed must keep
/// giving the same block. Re-baseline only on purpose, when the sampling order or the model changes, and say so in the commit.
/// </summary>
public class RegressionSnapshotTests
{
    [Fact]
    public void FixedLinkAndSeed_GiveTheSnapshotBlock()
    {
        var link = new LinkDescription(new Fiber(25, 0.21), 0,
            new Source(SourceKind.WeakCoherent, 0.48, [0.05, 0.0], 2e6),
            new Detector(0.045, 1.7e-6, 0.033), errorCorrectionEfficiency: 1.22);
        var settings = SimulationSettings.FromLink(link, ProtocolKind.Bb84, 50_000_000, seed: 20261124);

        var result = LinkSimulator.Run(settings, maxThreads: 2);

        var snapshot = $"{result.Detections} {result.SiftedBits} {result.Statistics.Errors.Sum()} "
            + Convert.ToHexString(SHA256.HashData(result.AliceSiftedKey.ToBytes()))[..16];
        Assert.Equal("230524 101466 481 132DAFF013FAFF2A", snapshot);
    }
}
