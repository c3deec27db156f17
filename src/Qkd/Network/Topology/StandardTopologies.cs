namespace Qkd.Network;

/// <summary>Built-in networks: seed 003's metro scenario and generated city networks.</summary>
public static class StandardTopologies
{
    /// <summary>
    /// Seed 003's simulated network (Lv, Cheng, Song, IEEE Network 2022, "Performance evaluation"):
    /// three metropolitan nodes, each with an optical line terminal, each OLT with two edge gateways;
    /// 9 trusted nodes (the metro node and its OLT are one site). Links: gateway-OLT (access) and
    /// OLT(x)-OLT(x+1) in a ring (metro backbone). Every link's pool holds <paramref name="capacityKeys"/>
    /// keys (C). Each OLT's QKD equipment is time-shared among its two access links and the backbone link
    /// it drives, with full-time rate <paramref name="oltRateKeysPerSecond"/> (V) on each: the paper's "total
    /// rate V that each OLT can provide", split into v_in (access pools) and v_out (backbone pool).
    /// Services run between any two of the six gateways with equal probability.
    /// </summary>
    public static NetworkTopology Metro3(double capacityKeys, double oltRateKeysPerSecond)
    {
        var nodes = new List<NetworkNode>();
        var links = new List<QkdLink>();
        for (var x = 0; x < 3; x++)
        {
            nodes.Add(new NetworkNode($"metro{x + 1}-olt", NodeRole.Olt));
            nodes.Add(new NetworkNode($"metro{x + 1}-gw1", NodeRole.EdgeGateway));
            nodes.Add(new NetworkNode($"metro{x + 1}-gw2", NodeRole.EdgeGateway));
        }
        var rate = new LinkRate.Fixed(oltRateKeysPerSecond);
        for (var x = 0; x < 3; x++)
        {
            var olt = 3 * x;
            links.Add(new QkdLink(olt + 1, olt, capacityKeys, rate, budgetNode: olt, lengthKm: 5));
            links.Add(new QkdLink(olt + 2, olt, capacityKeys, rate, budgetNode: olt, lengthKm: 5));
        }
        for (var x = 0; x < 3; x++)
        {
            var olt = 3 * x;
            var next = 3 * ((x + 1) % 3);
            links.Add(new QkdLink(olt, next, capacityKeys, rate, budgetNode: olt, lengthKm: 20));
        }
        return new NetworkTopology("metro3", nodes, links);
    }
}
