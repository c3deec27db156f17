using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qkd.Network;

namespace Qkd.Tests.Network;

/// <summary>Seed 003's scenario (Lv, Cheng, Song, IEEE Network 2022): metro3, X = 10, C = 200..1000, V = 1..6.</summary>
public class PaperScenarioTests
{
    private static NetworkSimulationSettings Settings(NetworkPolicy policy, double load)
        => new(keysPerService: 10, offeredLoad: load, horizonSeconds: 1000, policy);

    /// <summary>
    /// The fixed split with shortest paths is monotone sample path by sample path on the paper's grid:
    /// the same arrivals are served at least as often with deeper pools or a faster OLT.
    /// </summary>
    [Fact]
    public void FixedPolicy_ServedCount_MonotoneInCapacityAndRate_OnFixedArrivalSequence()
    {
        foreach (var seed in new ulong[] { 21, 22, 23 })
        {
            AssertNonDecreasing([200, 400, 600, 800, 1000], c => NetworkSimulator.Run(StandardTopologies.Metro3(c, 2), Settings(NetworkPolicies.Fixed, 600), seed).ServicesServed);
            AssertNonDecreasing([1, 2, 3, 4, 5, 6], v => NetworkSimulator.Run(StandardTopologies.Metro3(200, v), Settings(NetworkPolicies.Fixed, 1000), seed).ServicesServed);
        }
    }

    /// <summary>
    /// Adaptive re-splitting is not sample-path monotone (seed 21, load 600: adaptive-residue serves
    /// 205 services at C = 200 and 204 at C = 400, because a deeper pool changes every later split).
    /// Averaged over the same 8 arrival sequences, water-filling is monotone in C and V, and seed 003's
    /// adaptive residue is monotone in V.
    /// </summary>
    [Fact]
    public void AdaptivePolicies_MeanServed_MonotoneOnFixedArrivalSequences()
    {
        var routing = NetworkPolicies.AdaptiveRouting;
        AssertNonDecreasing([200, 400, 600, 800, 1000], c => MeanServed(routing, c, 2, 600));
        AssertNonDecreasing([1, 2, 3, 4, 5, 6], v => MeanServed(routing, 200, v, 1000));
        AssertNonDecreasing([1, 2, 3, 4, 5, 6], v => MeanServed(NetworkPolicies.AdaptiveResidue, 200, v, 1000));
    }

    /// <summary>
    /// A finding against seed 003's claim "success grows with C": with pools starting empty, the
    /// utilisation ratio r = 1 - M/C of Algorithm 1 tends to 1 for every pool as C grows, so the split
    /// tends to the fixed equal split and the adaptive gain shrinks (docs/network.md).
    /// </summary>
    [Fact]
    public void AdaptiveResidue_GainOverFixed_ShrinksWithCapacity_WhenPoolsStartEmpty()
    {
        var at200 = MeanServed(NetworkPolicies.AdaptiveResidue, 200, 2, 200) - MeanServed(NetworkPolicies.Fixed, 200, 2, 200);
        var at1000 = MeanServed(NetworkPolicies.AdaptiveResidue, 1000, 2, 200) - MeanServed(NetworkPolicies.Fixed, 1000, 2, 200);
        Assert.True(at200 > 0 && at1000 >= 0 && at1000 < at200, $"gain {at200} at C = 200, {at1000} at C = 1000");
    }

    private static long MeanServed(NetworkPolicy policy, int capacity, int rate, int load)
        => Enumerable.Range(0, 8).Sum(s => NetworkSimulator.Run(StandardTopologies.Metro3(capacity, rate), Settings(policy, load), (ulong)(21 + s)).ServicesServed);

    private static void AssertNonDecreasing(int[] grid, Func<int, long> served)
    {
        var previous = -1L;
        foreach (var value in grid)
        {
            var s = served(value);
            Assert.True(s >= previous, $"at {value}: served {s} < {previous}");
            previous = s;
        }
    }

    /// <summary>
    /// On one link (one pool, fixed rate) greedy admission is monotone: a deeper or faster pool never
    /// serves fewer services of the same arrival sequence.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property SingleLink_ServedCount_MonotoneInCapacityAndRate()
    {
        var gen = from c in Gen.Choose(10, 400)
                  from dc in Gen.Choose(0, 400)
                  from v in Gen.Choose(1, 50)
                  from dv in Gen.Choose(0, 50)
                  from seed in Gen.Choose(0, 1_000_000)
                  select (c, dc, v, dv, seed);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            NetworkRunResult Run(double capacity, double rate)
            {
                var topo = new NetworkTopology("link", [new NetworkNode("a", NodeRole.EdgeGateway), new NetworkNode("b", NodeRole.EdgeGateway)],
                    [new QkdLink(0, 1, capacity, new LinkRate.Fixed(rate / 10.0))]);
                return NetworkSimulator.Run(topo, new NetworkSimulationSettings(7, 300, 500, NetworkPolicies.Fixed), (ulong)t.seed);
            }
            var small = Run(t.c, t.v);
            return Run(t.c + t.dc, t.v).ServicesServed >= small.ServicesServed
                && Run(t.c, t.v + t.dv).ServicesServed >= small.ServicesServed;
        });
    }

    [Theory]
    [InlineData(200, 2, 300)]
    [InlineData(200, 2, 1000)]
    [InlineData(1000, 2, 1000)]
    [InlineData(200, 6, 1000)]
    public void AdaptiveResidue_NotWorseThanFixed_BeyondStatisticalError(int capacity, int rate, int load)
    {
        var topo = StandardTopologies.Metro3(capacity, rate);
        var fixedRun = NetworkExperiment.Run(topo, Settings(NetworkPolicies.Fixed, load), seeds: 10, baseSeed: 100);
        var adaptive = NetworkExperiment.Run(topo, Settings(NetworkPolicies.AdaptiveResidue, load), seeds: 10, baseSeed: 100);
        var allowance = fixedRun.SuccessRate.HalfWidth95 + adaptive.SuccessRate.HalfWidth95;
        Assert.True(adaptive.SuccessRate.Mean >= fixedRun.SuccessRate.Mean - allowance,
            $"adaptive {adaptive.SuccessRate.Mean:F4} vs fixed {fixedRun.SuccessRate.Mean:F4} +- {allowance:F4}");
    }
}
