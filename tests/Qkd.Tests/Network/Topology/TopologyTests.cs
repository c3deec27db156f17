using Qkd.Network;

namespace Qkd.Tests.Network;

public class TopologyTests
{
    [Fact]
    public void Metro3_HasNineNodesNinePoolsAndThreeBudgetsOfThree()
    {
        var t = StandardTopologies.Metro3(200, 2);
        Assert.Equal(9, t.Nodes.Length);
        Assert.Equal(9, t.Links.Length);
        var budgets = t.Links.GroupBy(l => l.BudgetNode).ToList();
        Assert.Equal(3, budgets.Count);
        Assert.All(budgets, g => Assert.Equal(3, g.Count()));
        Assert.All(budgets, g => Assert.Equal(NodeRole.Olt, t.Nodes[g.Key].Role));
        Assert.Equal(6, t.Traffic.Endpoints.Length);
    }

    [Fact]
    public void City1000_HasAbout2000LinksAndIsConnected()
    {
        var t = CityTopologyGenerator.Generate(1000, 42, 200, 2);
        Assert.Equal(1000, t.Nodes.Length);
        Assert.InRange(t.Links.Length, 1900, 2100);
        var seen = new bool[t.Nodes.Length];
        var stack = new Stack<int>([0]);
        seen[0] = true;
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var l in t.LinksAt(n))
            {
                var m = t.Links[l].Other(n);
                if (!seen[m])
                {
                    seen[m] = true;
                    stack.Push(m);
                }
            }
        }
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void City_SameSeed_SameNetwork()
    {
        var a = CityTopologyGenerator.Generate(200, 5, 100, 1);
        var b = CityTopologyGenerator.Generate(200, 5, 100, 1);
        Assert.Equal(a.Links.Select(l => (l.NodeA, l.NodeB, l.LengthKm)), b.Links.Select(l => (l.NodeA, l.NodeB, l.LengthKm)));
    }

    [Fact]
    public void Link_BudgetOfAnotherNode_Throws()
        => Assert.Throws<ArgumentException>(() => new QkdLink(0, 1, 10, new LinkRate.Fixed(1), budgetNode: 2));

    [Fact]
    public void FibreLink_WithoutRateModel_Throws()
    {
        var link = new Qkd.Physics.LinkDescription(new Qkd.Physics.Fiber(10, 0.2), 0,
            new Qkd.Physics.Source(Qkd.Physics.SourceKind.WeakCoherent, 0.5, [0.1], 1e9), new Qkd.Physics.Detector(0.1, 1e-6, 0.01));
        var t = new NetworkTopology("f", [new NetworkNode("a", NodeRole.Olt), new NetworkNode("b", NodeRole.Olt)],
            [new QkdLink(0, 1, 10, new LinkRate.FromFibre(link))]);
        Assert.Throws<ArgumentException>(() => t.FullRatesKeysPerSecond(null));
    }
}
