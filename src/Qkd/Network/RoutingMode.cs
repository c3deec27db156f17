namespace Qkd.Network;

/// <summary>How a service's path is chosen.</summary>
public enum RoutingMode
{
    /// <summary>Fewest hops (ties by fibre length), fixed per node pair.</summary>
    ShortestPath,

    /// <summary>
    /// The k fewest-hop loop-free paths (Yen's algorithm), fixed per pair; the first, in order of
    /// hops then bottleneck pool level, whose every pool can pay.
    /// </summary>
    KShortest,

    /// <summary>
    /// Recomputed at each arrival over the pools that can pay, with link weight 2 - M/C (M pool level,
    /// C capacity): fewest hops first, fuller pools preferred.
    /// </summary>
    KeyAware,
}
