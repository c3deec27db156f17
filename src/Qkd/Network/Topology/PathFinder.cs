namespace Qkd.Network;

/// <summary>
/// Paths between trusted nodes as arrays of link indices from source to destination: fewest hops
/// (Dijkstra with weight 1 + length/10^6 km so ties go to shorter fibre), Yen's k shortest
/// loop-free paths (J. Y. Yen, Management Science 17(11), 1971), and a key-aware search whose
/// weights depend on pool levels. Work buffers are reused across calls; not thread-safe.
/// </summary>
public sealed class PathFinder
{
    private const double LengthTieBreakPerKm = 1e-6;
    private readonly NetworkTopology _topology;
    private readonly double[] _distance;
    private readonly int[] _viaLink;
    private readonly bool[] _bannedNode;
    private readonly bool[] _bannedLink;
    private readonly PriorityQueue<int, double> _frontier = new();

    public PathFinder(NetworkTopology topology)
    {
        _topology = Guard.NotNull(topology);
        _distance = new double[topology.Nodes.Length];
        _viaLink = new int[topology.Nodes.Length];
        _bannedNode = new bool[topology.Nodes.Length];
        _bannedLink = new bool[topology.Links.Length];
    }

    /// <summary>Fewest-hop path, or null when the nodes are not connected.</summary>
    public int[]? Shortest(int source, int destination)
        => Search(source, destination, static (_, link, _) => 1 + LengthTieBreakPerKm * link.LengthKm, 0);

    /// <summary>
    /// The fewest-hop tree from <paramref name="source"/> to every node: entry n is the link by which
    /// node n is reached (-1 for the source and unreachable nodes). Paths read off one tree are the
    /// same as <see cref="Shortest"/> gives; one tree serves every destination of a source.
    /// </summary>
    public int[] ShortestPathTree(int source)
    {
        Search(source, -1, static (_, link, _) => 1 + LengthTieBreakPerKm * link.LengthKm, 0);
        return (int[])_viaLink.Clone();
    }

    /// <summary>The path to <paramref name="destination"/> in a tree from <see cref="ShortestPathTree"/>, or null.</summary>
    public int[]? PathInTree(int[] tree, int source, int destination)
    {
        var hops = 0;
        for (var n = destination; n != source; n = _topology.Links[tree[n]].Other(n))
        {
            if (tree[n] < 0)
            {
                return null;
            }
            hops++;
        }
        var path = new int[hops];
        for (var n = destination; n != source; n = _topology.Links[tree[n]].Other(n))
        {
            path[--hops] = tree[n];
        }
        return path;
    }

    /// <summary>
    /// Fewest-hop path over links whose pool holds at least <paramref name="keysNeeded"/> keys,
    /// weight 2 - level/capacity per hop; null when no path can pay.
    /// </summary>
    public int[]? KeyAware(int source, int destination, ReadOnlySpan<double> levels, double keysNeeded)
    {
        var snapshot = levels.ToArray();
        return Search(source, destination, (i, link, _) =>
            snapshot[i] + 1e-9 < keysNeeded ? double.PositiveInfinity : 2 - snapshot[i] / link.CapacityKeys, 0);
    }

    /// <summary>Up to <paramref name="k"/> loop-free paths in order of hop count (Yen 1971).</summary>
    public List<int[]> KShortest(int source, int destination, int k)
    {
        Guard.InRange(k, 1, 64, "Number of alternative paths k");
        var result = new List<int[]>();
        var first = Shortest(source, destination);
        if (first is null)
        {
            return result;
        }
        result.Add(first);
        var candidates = new List<(double Cost, int[] Path)>();
        for (var kk = 1; kk < k; kk++)
        {
            var previous = result[kk - 1];
            var prevNodes = NodesOf(source, previous);
            for (var spur = 0; spur < previous.Length; spur++)
            {
                Array.Clear(_bannedLink);
                Array.Clear(_bannedNode);
                foreach (var p in result)
                {
                    if (p.Length > spur && SamePrefix(p, previous, spur))
                    {
                        _bannedLink[p[spur]] = true;
                    }
                }
                for (var i = 0; i < spur; i++)
                {
                    _bannedNode[prevNodes[i]] = true;
                }
                var spurPath = Search(prevNodes[spur], destination, static (_, link, _) => 1 + LengthTieBreakPerKm * link.LengthKm, 1);
                if (spurPath is null)
                {
                    continue;
                }
                var total = new int[spur + spurPath.Length];
                Array.Copy(previous, total, spur);
                Array.Copy(spurPath, 0, total, spur, spurPath.Length);
                if (!candidates.Exists(c => c.Path.AsSpan().SequenceEqual(total)) && !result.Exists(r => r.AsSpan().SequenceEqual(total)))
                {
                    candidates.Add((Cost(total), total));
                }
            }
            Array.Clear(_bannedLink);
            Array.Clear(_bannedNode);
            if (candidates.Count == 0)
            {
                break;
            }
            var best = 0;
            for (var i = 1; i < candidates.Count; i++)
            {
                if (candidates[i].Cost < candidates[best].Cost)
                {
                    best = i;
                }
            }
            result.Add(candidates[best].Path);
            candidates.RemoveAt(best);
        }
        return result;
    }

    /// <summary>The nodes visited by <paramref name="path"/> starting at <paramref name="source"/> (length hops + 1).</summary>
    public int[] NodesOf(int source, int[] path)
    {
        var nodes = new int[path.Length + 1];
        nodes[0] = source;
        for (var i = 0; i < path.Length; i++)
        {
            nodes[i + 1] = _topology.Links[path[i]].Other(nodes[i]);
        }
        return nodes;
    }

    private double Cost(int[] path)
    {
        var c = 0.0;
        foreach (var l in path)
        {
            c += 1 + LengthTieBreakPerKm * _topology.Links[l].LengthKm;
        }
        return c;
    }

    private static bool SamePrefix(int[] a, int[] b, int length)
        => a.AsSpan(0, length).SequenceEqual(b.AsSpan(0, length));

    private int[]? Search(int source, int destination, Func<int, QkdLink, int, double> weight, int useBans)
    {
        Array.Fill(_distance, double.PositiveInfinity);
        Array.Fill(_viaLink, -1);
        _frontier.Clear();
        _distance[source] = 0;
        _frontier.Enqueue(source, 0);
        while (_frontier.TryDequeue(out var node, out var d))
        {
            if (d > _distance[node])
            {
                continue;
            }
            if (node == destination)
            {
                break;
            }
            foreach (var li in _topology.LinksAt(node))
            {
                var link = _topology.Links[li];
                var next = link.Other(node);
                if (useBans != 0 && (_bannedLink[li] || _bannedNode[next]))
                {
                    continue;
                }
                var w = weight(li, link, node);
                if (double.IsPositiveInfinity(w))
                {
                    continue;
                }
                var nd = d + w;
                if (nd < _distance[next])
                {
                    _distance[next] = nd;
                    _viaLink[next] = li;
                    _frontier.Enqueue(next, nd);
                }
            }
        }
        if (destination < 0 || double.IsPositiveInfinity(_distance[destination]))
        {
            return null;
        }
        var hops = 0;
        for (var n = destination; n != source; n = _topology.Links[_viaLink[n]].Other(n))
        {
            hops++;
        }
        var path = new int[hops];
        for (var n = destination; n != source; n = _topology.Links[_viaLink[n]].Other(n))
        {
            path[--hops] = _viaLink[n];
        }
        return path;
    }
}
