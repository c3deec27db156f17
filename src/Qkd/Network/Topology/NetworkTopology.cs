using System.Collections.Immutable;

namespace Qkd.Network;

/// <summary>
/// A key network: trusted nodes, QKD links each with one key pool, shared key budgets and a
/// traffic matrix. Immutable; the adjacency (compressed rows) is built once here.
/// </summary>
public sealed class NetworkTopology
{
    private readonly int[] _adjacencyStart;
    private readonly int[] _adjacencyLinks;

    public string Name { get; }

    public ImmutableArray<NetworkNode> Nodes { get; }

    public ImmutableArray<QkdLink> Links { get; }

    public TrafficMatrix Traffic { get; }

    /// <summary>Bits per key when a link rate is given in bit/s (a "key" is the unit services ask for), within [1, 2^20].</summary>
    public int KeySizeBits { get; }

    public NetworkTopology(string name, IEnumerable<NetworkNode> nodes, IEnumerable<QkdLink> links, TrafficMatrix? traffic = null, int keySizeBits = 256)
    {
        Name = Guard.NotNull(name);
        Nodes = nodes.ToImmutableArray();
        Links = links.ToImmutableArray();
        KeySizeBits = (int)Guard.InRange(keySizeBits, 1, 1 << 20, "Key size in bits");
        if (Nodes.Length < 2)
        {
            throw new ArgumentException($"A network needs at least 2 nodes, but had {Nodes.Length}.", nameof(nodes));
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in Nodes)
        {
            if (!ids.Add(n.Id))
            {
                throw new ArgumentException($"Node ids must be unique, but '{n.Id}' appears twice.", nameof(nodes));
            }
        }
        var degree = new int[Nodes.Length + 1];
        foreach (var l in Links)
        {
            CheckNode(l.NodeA);
            CheckNode(l.NodeB);
            degree[l.NodeA + 1]++;
            degree[l.NodeB + 1]++;
        }
        for (var i = 1; i < degree.Length; i++)
        {
            degree[i] += degree[i - 1];
        }
        _adjacencyStart = degree;
        _adjacencyLinks = new int[Links.Length * 2];
        var fill = (int[])degree.Clone();
        for (var i = 0; i < Links.Length; i++)
        {
            _adjacencyLinks[fill[Links[i].NodeA]++] = i;
            _adjacencyLinks[fill[Links[i].NodeB]++] = i;
        }
        Traffic = traffic ?? DefaultTraffic(Nodes);
        foreach (var d in Traffic.Demands)
        {
            CheckNode(d.Source);
            CheckNode(d.Destination);
        }
        foreach (var e in Traffic.Endpoints)
        {
            CheckNode(e);
        }
    }

    /// <summary>Indices of the links at <paramref name="node"/>.</summary>
    public ReadOnlySpan<int> LinksAt(int node) => _adjacencyLinks.AsSpan(_adjacencyStart[node], _adjacencyStart[node + 1] - _adjacencyStart[node]);

    /// <summary>Index of the node with this id, or -1.</summary>
    public int IndexOf(string id)
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i].Id == id)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The same network with every pool's capacity set to <paramref name="capacityKeys"/>.</summary>
    public NetworkTopology WithCapacity(double capacityKeys)
        => With(Links.Select(l => l.WithCapacity(capacityKeys)));

    /// <summary>
    /// The same network with the full-time rate of every link that shares the budget of a node of
    /// <paramref name="role"/> set to <paramref name="keysPerSecond"/> (seed 003's V for OLTs).
    /// </summary>
    public NetworkTopology WithBudgetRate(NodeRole role, double keysPerSecond)
        => With(Links.Select(l => l.BudgetNode >= 0 && Nodes[l.BudgetNode].Role == role ? l.WithRate(new LinkRate.Fixed(keysPerSecond)) : l));

    /// <summary>The same network with other links.</summary>
    public NetworkTopology With(IEnumerable<QkdLink> links) => new(Name, Nodes, links, Traffic, KeySizeBits);

    /// <summary>
    /// Full-time key rate of every link [keys/s]: fixed rates as given, fibre links through
    /// <paramref name="model"/> divided by <see cref="KeySizeBits"/>.
    /// </summary>
    public double[] FullRatesKeysPerSecond(ILinkKeyRateModel? model)
    {
        var rates = new double[Links.Length];
        for (var i = 0; i < rates.Length; i++)
        {
            rates[i] = Links[i].Rate switch
            {
                LinkRate.Fixed f => f.KeysPerSecond,
                LinkRate.FromFibre fibre => model is null
                    ? throw new ArgumentException($"Link {Nodes[Links[i].NodeA].Id}-{Nodes[Links[i].NodeB].Id} is described by its fibre, so the simulation needs a key-rate model.", nameof(model))
                    : Math.Max(0, model.SecretKeyRateBitsPerSecond(fibre.Link)) / KeySizeBits,
                _ => 0,
            };
        }
        return rates;
    }

    private static TrafficMatrix DefaultTraffic(ImmutableArray<NetworkNode> nodes)
    {
        var gateways = new List<int>();
        for (var i = 0; i < nodes.Length; i++)
        {
            if (nodes[i].Role == NodeRole.EdgeGateway)
            {
                gateways.Add(i);
            }
        }
        return gateways.Count >= 2 ? TrafficMatrix.UniformAmong(gateways) : TrafficMatrix.UniformAmong(Enumerable.Range(0, nodes.Length));
    }

    private void CheckNode(int index)
    {
        if (index < 0 || index >= Nodes.Length)
        {
            throw new ArgumentException($"Node index must be within [0, {Nodes.Length - 1}], but was {index}.", nameof(index));
        }
    }
}
