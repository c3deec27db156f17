using System.Numerics;
using Qkd.Bits;
using Qkd.Quantum;

namespace Qkd.Tests.Quantum;

public class ControlledTeleportationTests
{
    [Fact]
    public void EveryBranch_ForRandomStates_HasProbability1Over128AndFidelityOne()
    {
        var random = new SimRandom(2022);
        var protocol = new ControlledTeleportation();
        var input = new Complex[4];
        for (var state = 0; state < 5; state++)
        {
            StatePreparation.FillHaarRandom(input, ref random);
            var total = 0.0;
            foreach (var a5 in BellOutcome.All)
            {
                foreach (var b7 in BellOutcome.All)
                {
                    for (var charlie = 0; charlie < 8; charlie++)
                    {
                        var trial = protocol.RunBranch(input, a5, b7, charlie);
                        Assert.Equal(1.0 / 128, trial.Probability, 12);
                        Assert.True(Math.Abs(trial.Fidelity - 1) < 1e-10, $"branch {a5} {b7} {charlie}: F = {trial.Fidelity}");
                        total += trial.Probability;
                    }
                }
            }
            Assert.Equal(1, total, 10);
        }
    }

    [Fact]
    public void WrongCharlieParity_LeavesBobWithZOnParticle2()
    {
        // Input |+>_A |0>_B: a Z error on A's copy is orthogonal, so using the wrong parity gives F = 0.
        var input = new Complex[] { 1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 0, 0 };
        var protocol = new ControlledTeleportation();
        var trial = protocol.RunBranch(input, new BellOutcome(0, 0), new BellOutcome(0, 0), charlieBits: 0);
        Assert.Equal(1, trial.Fidelity, 10);
        // Without Charlie, Bob holds (|+><+| + |-><-|)/2 on particle 2: F = 1/2.
        Assert.Equal(0.5, trial.FidelityWithoutController, 10);
    }

    [Fact]
    public void Simulate_MeanFidelityWithoutController_MatchesThreeFifths_AboveClassicalTwoFifths()
    {
        var report = ControlledTeleportation.Simulate(4000, seed: 7);
        Assert.True(report.MinFidelity > 1 - 1e-10);
        Assert.Equal(1, report.MeanFidelity, 10);
        // Per-state fidelity 1/2 + 1/2 |<chi|Z_A|chi>|^2 has standard deviation < 0.15; 4000 states give sigma < 0.0025.
        Assert.InRange(report.MeanFidelityWithoutController, 0.59, 0.61);
        Assert.Equal(0.4, report.ClassicalLimit, 12);
        Assert.Equal(2.0 / 3, report.SingleQubitClassicalLimit, 12);
    }

    [Fact]
    public void ControlledQubitAlone_WithoutCharlie_AveragesTheSingleQubitClassicalLimit()
    {
        // Product inputs |phi>_A |0>_B: Bob's particle-2 fidelity without Charlie is 1/2 + 1/2 <phi|Z|phi>^2, Haar mean 2/3.
        var random = new SimRandom(31);
        var protocol = new ControlledTeleportation();
        var phi = new Complex[2];
        var sum = 0.0;
        const int n = 3000;
        for (var i = 0; i < n; i++)
        {
            StatePreparation.FillHaarRandom(phi, ref random);
            sum += protocol.Run(new[] { phi[0], phi[1], 0, 0 }, ref random).FidelityWithoutController;
        }
        Assert.InRange(sum / n, 2.0 / 3 - 0.01, 2.0 / 3 + 0.01);
    }

    [Fact]
    public void Layout_MatchesTheSeedPaperHolders()
    {
        Assert.Equal(Holder.Alice, ControlledTeleportationLayout.HolderOf(ControlledTeleportationLayout.Particle(5)));
        Assert.Equal(Holder.Alice, ControlledTeleportationLayout.HolderOf(ControlledTeleportationLayout.Particle(7)));
        Assert.Equal(Holder.Bob, ControlledTeleportationLayout.HolderOf(ControlledTeleportationLayout.Particle(2)));
        Assert.Equal(Holder.Bob, ControlledTeleportationLayout.HolderOf(ControlledTeleportationLayout.Particle(4)));
        foreach (var p in new[] { 1, 3, 6 })
        {
            Assert.Equal(Holder.Charlie, ControlledTeleportationLayout.HolderOf(ControlledTeleportationLayout.Particle(p)));
        }
    }
}
