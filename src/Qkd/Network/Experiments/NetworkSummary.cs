using System.Collections.Immutable;

namespace Qkd.Network;

/// <summary>Runs of one configuration over independent seeds, with the success rate's 95 % CI.</summary>
public sealed record NetworkSummary
{
    public required string Policy { get; init; }
    public required double OfferedLoad { get; init; }
    public required ConfidenceInterval SuccessRate { get; init; }
    public required long ServicesArrived { get; init; }
    public required long ServicesServed { get; init; }
    public required long ServicesDropped { get; init; }
    public required double KeysGenerated { get; init; }
    public required double KeysConsumed { get; init; }
    public required double KeysWasted { get; init; }
    public required double MeanRelayHops { get; init; }
    public required long EventsProcessed { get; init; }
    public required ImmutableArray<NetworkRunResult> Runs { get; init; }
}
