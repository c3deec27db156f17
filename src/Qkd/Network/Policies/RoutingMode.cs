namespace Qkd.Network;

/// <summary>How a service's path is chosen.</summary>
public enum RoutingMode
{
    /// <summary>Fewest hops (ties by fibre length), fixed per node pair.</summary>
    ShortestPath,

    /// <summary>
    /// The shortest path if every pool on it can pay; otherwise the first of the 2nd..k-th fewest-hop
    /// loop-free paths (Yen's algorithm, fixed per pair) that can pay, equal hop counts going to the
    /// higher bottleneck pool level.
    /// </summary>
    KShortest,

    /// <summary>
    /// Recomputed at each arrival over the pools that can pay, with link weight 2 - M/C (M pool level,
    /// C capacity): fewest hops first, fuller pools preferred.
    /// </summary>
    KeyAware,
}
