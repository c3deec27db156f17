namespace Qkd.Network;

public sealed partial class NetworkSimulator
{
    /// <summary>The path the service is charged on, with its pools advanced to now, or null if blocked.</summary>
    private int[]? ChoosePath(int source, int destination, long now)
    {
        switch (_settings.Policy.Routing)
        {
            case RoutingMode.ShortestPath:
            {
                var candidates = Candidates(source, destination, 1);
                return candidates.Length > 0 && CanPay(candidates[0], now) ? candidates[0] : null;
            }
            case RoutingMode.KShortest:
            {
                int[]? best = null;
                var bestBottleneck = 0.0;
                foreach (var c in Candidates(source, destination, _settings.AlternativePaths))
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
            default:
                _pools.AdvanceAll(now);
                return _paths.KeyAware(source, destination, _pools.Level, _keysPerService);
        }
    }

    /// <summary>Loop-free candidate paths of a pair in order of hops, computed once per unordered pair.</summary>
    private int[][] Candidates(int source, int destination, int k)
    {
        var key = (long)Math.Min(source, destination) * _topology.Nodes.Length + Math.Max(source, destination);
        if (!_routeCache.TryGetValue(key, out var paths))
        {
            var (a, b) = (Math.Min(source, destination), Math.Max(source, destination));
            paths = k == 1
                ? (_paths.Shortest(a, b) is { } p ? [p] : [])
                : [.. _paths.KShortest(a, b, k)];
            _routeCache.Add(key, paths);
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
