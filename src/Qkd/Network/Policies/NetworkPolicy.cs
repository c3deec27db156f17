namespace Qkd.Network;

/// <summary>A named pairing of a budget allocation policy with a routing mode, compared on the same arrivals.</summary>
/// <param name="Name">Command-line and report name.</param>
/// <param name="Allocation">How shared key budgets are split.</param>
/// <param name="Routing">How paths are chosen.</param>
public sealed record NetworkPolicy(string Name, IAllocationPolicy Allocation, RoutingMode Routing)
{
    /// <summary>This policy with another routing mode (name suffixed).</summary>
    public NetworkPolicy WithRouting(RoutingMode routing)
        => routing == Routing ? this : this with { Name = $"{Name}+{NetworkPolicies.RoutingName(routing)}", Routing = routing };
}
