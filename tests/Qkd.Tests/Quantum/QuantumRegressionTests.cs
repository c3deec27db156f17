using System.Collections.Immutable;
using System.Security.Cryptography;
using Qkd.Physics;
using Qkd.Quantum;
using Qkd.Quantum.Qrng;

namespace Qkd.Tests.Quantum;

/// <summary>Seeded end-to-end snapshots: re-baseline only on purpose, saying why in the commit.</summary>
public class QuantumRegressionTests
{
    [Fact]
    public void E91_Seed3_25Km_DefaultCliLink_Snapshot()
    {
        var link = new LinkDescription(new Fiber(25, 0.2), 0, new Source(SourceKind.SinglePhoton, 1, ImmutableArray<double>.Empty, 1e7),
            new Detector(0.6, 1e-6, 0.01));
        var r = E91Protocol.Simulate(link, 1_000_000, E91Eavesdropper.None, seed: 3);
        Assert.Equal((114190L, 25610L, 471L), (r.Coincidences, r.SiftedBits, r.Errors));
    }

    [Fact]
    public void Qrng_Seed1_4096Bytes_Snapshot()
    {
        var r = QuantumRandomNumberGenerator.Generate(new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 1), 4096, extractorSeed: 2);
        Assert.Equal("14bdc1c98b90d36cb11a2185992f107c3568bae8acbaf23096ce73351ecc0373", Convert.ToHexStringLower(SHA256.HashData([.. r.Output])));
    }

    [Fact]
    public void Teleport_Seed5_Snapshot()
    {
        var r = ControlledTeleportation.Simulate(500, seed: 5);
        Assert.Equal(0.5941806572, r.MeanFidelityWithoutController, 10);
    }
}
