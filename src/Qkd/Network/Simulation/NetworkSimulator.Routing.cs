namespace Qkd.Network;

public sealed partial class NetworkSimulator
{
    /// <summary>The path the service is charged on, with its pools advanced to now, or null if blocked.</summary>
    private int[]? ChoosePath(int source, int destination, long now)
    {
        if (_settings.Policy.Routing == RoutingMode.KeyAware)
        {
            _pools.AdvanceAll(now);
            return _paths.KeyAware(source, destination, _pools.Level, _keysPerService);
        }
        var shortest = ShortestFor(source, destination);
        if (shortest is null)
        {
            return null;
        }
        if (CanPay(shortest, now))
        {
            return shortest;
        }
        if (_settings.Policy.Routing == RoutingMode.ShortestPath)
        {
            return null;
        }
        // k-shortest: the first alternative (in hop order) that can pay; equal hop counts go to the
        // higher bottleneck level.
        int[]? best = null;
        var bestBottleneck = 0.0;
        foreach (var c in AlternativesFor(source, destination))
        {
            if (best is not null && c.Length > best.Length)
            {
                break;
            }
            if (CanPay(c, now))
            {
                var bottleneck = Bottleneck(c);
                if (best is null || bottleneck > bestBottleneck)
                {
                    best = c;
                    bestBottleneck = bottleneck;
                }
            }
        }
        return best;
    }

    /// <summary>Fewest-hop path of an unordered pair, read off a cached tree of the smaller end and cached.</summary>
    private int[]? ShortestFor(int source, int destination)
    {
        var (a, b) = (Math.Min(source, destination), Math.Max(source, destination));
        var key = (long)a * _topology.Nodes.Length + b;
        if (!_shortestCache.TryGetValue(key, out var path))
        {
            if (!_treeCache.TryGetValue(a, out var tree))
            {
                tree = _paths.ShortestPathTree(a);
                _treeCache.Add(a, tree);
            }
            path = _paths.PathInTree(tree, a, b);
            _shortestCache.Add(key, path);
        }
        return path;
    }

    /// <summary>The 2nd to k-th shortest loop-free paths of an unordered pair (Yen), computed on first need.</summary>
    private int[][] AlternativesFor(int source, int destination)
    {
        var (a, b) = (Math.Min(source, destination), Math.Max(source, destination));
        var key = (long)a * _topology.Nodes.Length + b;
        if (!_alternativesCache.TryGetValue(key, out var paths))
        {
            paths = [.. _paths.KShortest(a, b, _settings.AlternativePaths).Skip(1)];
            _alternativesCache.Add(key, paths);
        }
        return paths;
    }

    private bool CanPay(int[] path, long now)
    {
        foreach (var p in path)
        {
            _pools.Advance(p, now);
            if (_pools.Level[p] + KeyPoolBank.FullTolerance(_pools.Capacity[p]) < _keysPerService)
            {
                return false;
            }
        }
        return true;
    }

    private double Bottleneck(int[] path)
    {
        var min = double.PositiveInfinity;
        foreach (var p in path)
        {
            min = Math.Min(min, _pools.Level[p]);
        }
        return min;
    }
}
