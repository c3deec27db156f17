using System.Collections.Immutable;
using Qkd.Bits;

namespace Qkd.Network;

/// <summary>
/// Who asks for keys with whom: either an explicit list of weighted node pairs, or every unordered
/// pair of a set of endpoints with equal weight (seed 003: services between any two edge gateways).
/// Sampling draws one pair per service arrival.
/// </summary>
public sealed class TrafficMatrix
{
    private readonly double[] _cumulative;

    /// <summary>Explicit demands (empty when <see cref="Endpoints"/> is used).</summary>
    public ImmutableArray<TrafficDemand> Demands { get; }

    /// <summary>Endpoints whose unordered pairs all carry equal demand (empty when <see cref="Demands"/> is used).</summary>
    public ImmutableArray<int> Endpoints { get; }

    private TrafficMatrix(ImmutableArray<TrafficDemand> demands, ImmutableArray<int> endpoints)
    {
        Demands = demands;
        Endpoints = endpoints;
        _cumulative = new double[demands.Length];
        var sum = 0.0;
        for (var i = 0; i < demands.Length; i++)
        {
            sum += demands[i].Weight;
            _cumulative[i] = sum;
        }
    }

    /// <summary>Weighted pairs; every weight above 0 and each pair joining two different nodes.</summary>
    public static TrafficMatrix FromDemands(IEnumerable<TrafficDemand> demands)
    {
        var list = demands.ToImmutableArray();
        if (list.IsEmpty)
        {
            throw new ArgumentException("A traffic matrix needs at least one demand.", nameof(demands));
        }
        foreach (var d in list)
        {
            Guard.Positive(d.Weight, "", "Traffic demand weight");
            if (d.Source == d.Destination)
            {
                throw new ArgumentException($"A traffic demand must join two different nodes, but both ends were node {d.Source}.", nameof(demands));
            }
        }
        return new TrafficMatrix(list, []);
    }

    /// <summary>Equal demand between every unordered pair of at least two distinct endpoints.</summary>
    public static TrafficMatrix UniformAmong(IEnumerable<int> endpoints)
    {
        var list = endpoints.Distinct().ToImmutableArray();
        if (list.Length < 2)
        {
            throw new ArgumentException($"Uniform traffic needs at least 2 endpoints, but had {list.Length}.", nameof(endpoints));
        }
        return new TrafficMatrix([], list);
    }

    /// <summary>Draws the (source, destination) of one service.</summary>
    public (int Source, int Destination) Sample(ref SimRandom random)
    {
        if (!Endpoints.IsEmpty)
        {
            var n = (ulong)Endpoints.Length;
            var i = (int)random.NextBelow(n);
            var j = (int)random.NextBelow(n - 1);
            if (j >= i)
            {
                j++;
            }
            return (Endpoints[i], Endpoints[j]);
        }
        var u = random.NextDouble() * _cumulative[^1];
        var k = Array.BinarySearch(_cumulative, u);
        k = k < 0 ? ~k : k + 1;
        k = Math.Min(k, _cumulative.Length - 1);
        return (Demands[k].Source, Demands[k].Destination);
    }

    /// <summary>Probability of each pair (for analytic bounds); enumerates pairs, so meant for small matrices.</summary>
    public IEnumerable<(int Source, int Destination, double Probability)> Pairs()
    {
        if (!Endpoints.IsEmpty)
        {
            var n = Endpoints.Length;
            var p = 2.0 / (n * (double)(n - 1));
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    yield return (Endpoints[i], Endpoints[j], p);
                }
            }
            yield break;
        }
        var total = _cumulative[^1];
        foreach (var d in Demands)
        {
            yield return (d.Source, d.Destination, d.Weight / total);
        }
    }
}
