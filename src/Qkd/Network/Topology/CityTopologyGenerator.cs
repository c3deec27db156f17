using Qkd.Bits;

namespace Qkd.Network;

/// <summary>
/// A seeded metropolitan key network of N nodes with about 2N links: M = max(3, N/50) metro nodes in
/// a ring with chords to the opposite node every second site; O = max(M, N/10) OLTs, each dual-homed to
/// its two nearest metro nodes; the remaining G gateways each attached to its nearest OLT and to the
/// nearest other gateway it is not yet linked to. Sites are uniform in a disk of 20 km radius; link length is the straight
/// distance times 1.3 (fibre routing detour). Each OLT's QKD equipment is time-shared among its
/// access links at full-time rate V; backbone links (metro ring, OLT uplinks) have dedicated devices at
/// <see cref="BackboneRateFactor"/> V; gateway-gateway links at V / 2. Services run between gateways.
/// </summary>
public static class CityTopologyGenerator
{
    /// <summary>Backbone link rate in units of V.</summary>
    public const double BackboneRateFactor = 10;

    /// <summary>Fibre detour factor over straight-line distance.</summary>
    public const double FibreDetourFactor = 1.3;

    /// <summary>Radius of the city disk [km].</summary>
    public const double RadiusKm = 20;

    /// <summary>Generates the network; <paramref name="nodeCount"/> within [12, 1,000,000].</summary>
    public static NetworkTopology Generate(int nodeCount, ulong seed, double capacityKeys, double oltRateKeysPerSecond)
    {
        Guard.InRange(nodeCount, 12, 1_000_000, "City node count N");
        var random = SimRandom.ForStream(seed, 7);
        var metros = Math.Max(3, nodeCount / 50);
        var olts = Math.Max(metros, nodeCount / 10);
        var gateways = nodeCount - metros - olts;
        var x = new double[nodeCount];
        var y = new double[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            var r = RadiusKm * Math.Sqrt(random.NextDouble());
            var a = 2 * Math.PI * random.NextDouble();
            (x[i], y[i]) = (r * Math.Cos(a), r * Math.Sin(a));
        }
        // Metro nodes on a ring ordered by angle, so the ring follows the city.
        var metroOrder = Enumerable.Range(0, metros).OrderBy(i => Math.Atan2(y[i], x[i])).ToArray();
        var nodes = new List<NetworkNode>(nodeCount);
        for (var i = 0; i < nodeCount; i++)
        {
            nodes.Add(i < metros
                ? new NetworkNode($"metro{i + 1}", NodeRole.MetroNode)
                : i < metros + olts ? new NetworkNode($"olt{i - metros + 1}", NodeRole.Olt) : new NetworkNode($"gw{i - metros - olts + 1}", NodeRole.EdgeGateway));
        }
        var v = oltRateKeysPerSecond;
        var links = new List<QkdLink>(2 * nodeCount);
        var seen = new HashSet<long>();
        void Add(int a, int b, double rate, int budget)
        {
            var key = (long)Math.Min(a, b) * nodeCount + Math.Max(a, b);
            if (a != b && seen.Add(key))
            {
                var km = Math.Min(1000, FibreDetourFactor * Math.Sqrt((x[a] - x[b]) * (x[a] - x[b]) + (y[a] - y[b]) * (y[a] - y[b])));
                links.Add(new QkdLink(a, b, capacityKeys, new LinkRate.Fixed(rate), budget, km));
            }
        }
        for (var k = 0; k < metros; k++)
        {
            Add(metroOrder[k], metroOrder[(k + 1) % metros], BackboneRateFactor * v, -1);
            if (metros > 4 && k % 2 == 0)
            {
                Add(metroOrder[k], metroOrder[(k + metros / 2) % metros], BackboneRateFactor * v, -1);
            }
        }
        for (var o = metros; o < metros + olts; o++)
        {
            var (m1, m2) = TwoNearest(o, 0, metros, x, y);
            Add(o, m1, BackboneRateFactor * v, -1);
            Add(o, m2, BackboneRateFactor * v, -1);
        }
        for (var g = metros + olts; g < nodeCount; g++)
        {
            var (olt, _) = TwoNearest(g, metros, metros + olts, x, y);
            Add(g, olt, v, olt);
        }
        for (var g = metros + olts; g < nodeCount && gateways > 1; g++)
        {
            // Nearest gateway not yet linked to g, so every gateway adds exactly one peer link.
            int best = -1;
            var bestDistance = double.PositiveInfinity;
            for (var h = metros + olts; h < nodeCount; h++)
            {
                var d = (x[h] - x[g]) * (x[h] - x[g]) + (y[h] - y[g]) * (y[h] - y[g]);
                if (h != g && d < bestDistance && !seen.Contains((long)Math.Min(g, h) * nodeCount + Math.Max(g, h)))
                {
                    (best, bestDistance) = (h, d);
                }
            }
            if (best >= 0)
            {
                Add(g, best, v / 2, -1);
            }
        }
        return new NetworkTopology($"city:{nodeCount}", nodes, links);
    }

    private static (int Nearest, int Second) TwoNearest(int from, int start, int end, double[] x, double[] y)
    {
        int best = -1, second = -1;
        double bd = double.PositiveInfinity, sd = double.PositiveInfinity;
        for (var i = start; i < end; i++)
        {
            if (i == from)
            {
                continue;
            }
            var d = (x[i] - x[from]) * (x[i] - x[from]) + (y[i] - y[from]) * (y[i] - y[from]);
            if (d < bd)
            {
                (second, sd) = (best, bd);
                (best, bd) = (i, d);
            }
            else if (d < sd)
            {
                (second, sd) = (i, d);
            }
        }
        return (best, second < 0 ? best : second);
    }
}
