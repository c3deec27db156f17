using Qkd.Network;

namespace Qkd.Tests.Network;

public class NetworkSimulatorTests
{
    private static NetworkSimulationSettings Paper(NetworkPolicy policy, double load, double fill = 0, int samples = 0)
        => new(keysPerService: 10, offeredLoad: load, horizonSeconds: 1000, policy, initialFillFraction: fill, utilisationSamples: samples);

    public static TheoryData<string> Policies() => [.. NetworkPolicies.Names, "fixed+key-aware"];

    private static NetworkPolicy Policy(string name)
        => name == "fixed+key-aware" ? NetworkPolicies.Fixed.WithRouting(RoutingMode.KeyAware) : NetworkPolicies.FromName(name);

    [Theory]
    [MemberData(nameof(Policies))]
    public void Conservation_InitialPlusGenerated_EqualsStoredConsumedWasted(string policy)
    {
        foreach (var topology in new[] { StandardTopologies.Metro3(200, 2), CityTopologyGenerator.Generate(120, 3, 50, 1) })
        {
            var r = NetworkSimulator.Run(topology, Paper(Policy(policy), 800, fill: 0.5), seed: 11);
            var left = r.InitialKeys + r.KeysGenerated;
            var right = r.KeysStored + r.KeysConsumed + r.KeysWasted;
            Assert.True(r.KeysGenerated > 0);
            Assert.Equal(left, right, 1e-7 * left);
            Assert.Equal(r.ServicesArrived, r.ServicesServed + r.ServicesBlocked);
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Pools_NeverNegativeNorAboveCapacity_AfterAnyEvent(string policy)
    {
        var observer = new BoundsObserver();
        NetworkSimulator.Run(StandardTopologies.Metro3(200, 2), Paper(Policy(policy), 600, fill: 0.3, samples: 50), seed: 5, observer);
        Assert.True(observer.Events > 600);
        Assert.Equal(0, observer.Violations);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void RelayedService_ChargesXOnEveryHopAndNothingElse(string policy)
    {
        var observer = new ChargeObserver(10);
        var r = NetworkSimulator.Run(StandardTopologies.Metro3(200, 2), Paper(Policy(policy), 700, fill: 1), seed: 9, observer);
        Assert.True(observer.RelayedServed > 50, $"only {observer.RelayedServed} relayed services were served");
        Assert.True(observer.Blocked > 0);
        Assert.Equal(0, observer.Violations);
        Assert.Equal(r.KeysConsumed, 10.0 * (r.ServicesServed + r.RelayHops), 1e-6);
    }

    [Fact]
    public void LineOfFourNodes_OneServiceEndToEnd_TakesXFromEachOfThreePools()
    {
        var nodes = Enumerable.Range(0, 4).Select(i => new NetworkNode($"n{i}", NodeRole.EdgeGateway));
        var links = Enumerable.Range(0, 3).Select(i => new QkdLink(i, i + 1, 100, new LinkRate.Fixed(0)));
        var topo = new NetworkTopology("line", nodes, links, TrafficMatrix.FromDemands([new TrafficDemand(0, 3, 1)]));
        var r = NetworkSimulator.Run(topo, new NetworkSimulationSettings(30, 4, 1000, NetworkPolicies.Fixed, initialFillFraction: 1), seed: 2);
        // 100 keys per pool pay for exactly 3 services of 30 keys on every hop; the rest are blocked.
        Assert.Equal(Math.Min(3, r.ServicesArrived), r.ServicesServed);
        Assert.All(r.PoolConsumedKeys, c => Assert.Equal(30.0 * r.ServicesServed, c, 9));
        Assert.Equal(2 * r.ServicesServed, r.RelayHops);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void SameSeed_SameRun_DifferentSeed_DifferentRun(string policy)
    {
        var topo = CityTopologyGenerator.Generate(150, 1, 100, 1);
        var a = NetworkSimulator.Run(topo, Paper(Policy(policy), 900), seed: 77);
        var b = NetworkSimulator.Run(topo, Paper(Policy(policy), 900), seed: 77);
        var c = NetworkSimulator.Run(topo, Paper(Policy(policy), 900), seed: 78);
        Assert.Equal((a.ServicesArrived, a.ServicesServed, a.KeysConsumed, a.KeysWasted, a.RelayHops), (b.ServicesArrived, b.ServicesServed, b.KeysConsumed, b.KeysWasted, b.RelayHops));
        Assert.Equal(a.PoolConsumedKeys.ToArray(), b.PoolConsumedKeys.ToArray());
        Assert.NotEqual((a.ServicesArrived, a.ServicesServed, a.KeysConsumed), (c.ServicesArrived, c.ServicesServed, c.KeysConsumed));
    }

    [Fact]
    public void WaterFilling_NeverSpendsBudgetOnAFullPool()
    {
        var r = NetworkSimulator.Run(StandardTopologies.Metro3(200, 2), Paper(NetworkPolicies.AdaptiveRouting, 100), seed: 4);
        var f = NetworkSimulator.Run(StandardTopologies.Metro3(200, 2), Paper(NetworkPolicies.Fixed, 100), seed: 4);
        Assert.True(f.KeysWasted > 100, $"fixed wasted only {f.KeysWasted}");
        Assert.True(r.KeysWasted < 1e-6 * r.KeysGenerated, $"water-filling wasted {r.KeysWasted} of {r.KeysGenerated}");
    }

    private sealed class BoundsObserver : INetworkObserver
    {
        public int Events;
        public int Violations;

        public void AfterEvent(SimTime now, ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities)
        {
            Events++;
            for (var i = 0; i < levels.Length; i++)
            {
                if (levels[i] < 0 || levels[i] > capacities[i])
                {
                    Violations++;
                }
            }
        }

        public void OnService(int source, int destination, ReadOnlySpan<int> path, ReadOnlySpan<double> levelsBefore, ReadOnlySpan<double> levelsAfter) { }
    }

    private sealed class ChargeObserver(double x) : INetworkObserver
    {
        public int RelayedServed;
        public int Blocked;
        public int Violations;

        public void AfterEvent(SimTime now, ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities) { }

        public void OnService(int source, int destination, ReadOnlySpan<int> path, ReadOnlySpan<double> levelsBefore, ReadOnlySpan<double> levelsAfter)
        {
            if (path.IsEmpty)
            {
                Blocked++;
            }
            else if (path.Length > 1)
            {
                RelayedServed++;
            }
            for (var p = 0; p < levelsBefore.Length; p++)
            {
                var expected = path.Contains(p) ? x : 0;
                if (Math.Abs(levelsBefore[p] - levelsAfter[p] - expected) > 1e-9)
                {
                    Violations++;
                }
            }
        }
    }
}
