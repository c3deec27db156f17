using System.Collections.Immutable;

namespace Qkd.Network;

/// <summary>The policies the product compares.</summary>
public static class NetworkPolicies
{
    /// <summary>Equal fixed split, shortest path: the baseline.</summary>
    public static NetworkPolicy Fixed { get; } = new("fixed", new FixedSplitPolicy(), RoutingMode.ShortestPath);

    /// <summary>Seed 003's Adaptive Key Residue (Algorithm 1, our reading), shortest path as in the paper.</summary>
    public static NetworkPolicy AdaptiveResidue { get; } = new("adaptive-residue", new AdaptiveResiduePolicy(), RoutingMode.ShortestPath);

    /// <summary>Ours: water-filling on pool levels plus key-aware choice among k = 3 shortest paths.</summary>
    public static NetworkPolicy AdaptiveRouting { get; } = new("adaptive-routing", new WaterFillingPolicy(), RoutingMode.KShortest);

    /// <summary>Every policy, in report order.</summary>
    public static ImmutableArray<NetworkPolicy> All { get; } = [Fixed, AdaptiveResidue, AdaptiveRouting];

    /// <summary>The command-line names.</summary>
    public static ImmutableArray<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>Looks a policy up by name; throws with the valid names when unknown.</summary>
    public static NetworkPolicy FromName(string name)
    {
        foreach (var p in All)
        {
            if (p.Name == name)
            {
                return p;
            }
        }
        throw new ArgumentException($"Policy must be one of {string.Join(", ", Names)}, but was '{name}'.", nameof(name));
    }

    /// <summary>Command-line name of a routing mode.</summary>
    public static string RoutingName(RoutingMode mode) => mode switch
    {
        RoutingMode.ShortestPath => "shortest",
        RoutingMode.KShortest => "k-shortest",
        RoutingMode.KeyAware => "key-aware",
        _ => mode.ToString(),
    };

    /// <summary>Routing mode from its command-line name.</summary>
    public static RoutingMode RoutingFromName(string name) => name switch
    {
        "shortest" => RoutingMode.ShortestPath,
        "k-shortest" => RoutingMode.KShortest,
        "key-aware" => RoutingMode.KeyAware,
        _ => throw new ArgumentException($"Routing must be one of shortest, k-shortest, key-aware, but was '{name}'.", nameof(name)),
    };
}
