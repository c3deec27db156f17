using Qkd.Network;

namespace Qkd.Tests.Network;

public class PathFinderTests
{
    /// <summary>A ring of n nodes with links i -- i+1, each with a pool of capacity 100.</summary>
    internal static NetworkTopology Ring(int n, double rate = 1)
    {
        var nodes = Enumerable.Range(0, n).Select(i => new NetworkNode($"n{i}", NodeRole.EdgeGateway));
        var links = Enumerable.Range(0, n).Select(i => new QkdLink(i, (i + 1) % n, 100, new LinkRate.Fixed(rate)));
        return new NetworkTopology("ring", nodes, links);
    }

    [Fact]
    public void Shortest_OnRing_TakesFewerHopsSide()
    {
        var path = new PathFinder(Ring(6)).Shortest(0, 2);
        Assert.Equal([0, 1], path!);
    }

    [Fact]
    public void KShortest_OnRing_FindsBothDirections()
    {
        var paths = new PathFinder(Ring(6)).KShortest(0, 2, 3);
        Assert.Equal(2, paths.Count);
        Assert.Equal(2, paths[0].Length);
        Assert.Equal(4, paths[1].Length);
    }

    [Fact]
    public void KeyAware_AvoidsPoolThatCannotPay()
    {
        var finder = new PathFinder(Ring(6));
        double[] levels = [100, 5, 100, 100, 100, 100];
        var path = finder.KeyAware(0, 2, levels, 10);
        Assert.NotNull(path);
        Assert.Equal(4, path.Length);
        Assert.DoesNotContain(1, path);
    }

    [Fact]
    public void Shortest_Disconnected_ReturnsNull()
    {
        var nodes = Enumerable.Range(0, 4).Select(i => new NetworkNode($"n{i}", NodeRole.Olt));
        var topo = new NetworkTopology("split", nodes, [new QkdLink(0, 1, 10, new LinkRate.Fixed(1)), new QkdLink(2, 3, 10, new LinkRate.Fixed(1))]);
        Assert.Null(new PathFinder(topo).Shortest(0, 3));
    }
}
