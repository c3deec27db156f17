using System.Collections.Immutable;

namespace Qkd.Network;

/// <summary>Counters of one seeded run. Keys are in the unit services ask for.</summary>
public sealed record NetworkRunResult
{
    public required ulong Seed { get; init; }
    public required string Policy { get; init; }
    public required long ServicesArrived { get; init; }
    public required long ServicesServed { get; init; }
    public required long ServicesBlocked { get; init; }

    /// <summary>Holding-time variant: admitted services cut off because a pool on their path ran dry (0 for one-shot).</summary>
    public required long ServicesDropped { get; init; }

    /// <summary>Keys in the pools at time 0.</summary>
    public required double InitialKeys { get; init; }

    /// <summary>Keys produced by the links during the run.</summary>
    public required double KeysGenerated { get; init; }

    /// <summary>Keys charged to services (X per hop of every served service).</summary>
    public required double KeysConsumed { get; init; }

    /// <summary>Keys lost because a pool was full.</summary>
    public required double KeysWasted { get; init; }

    /// <summary>Keys in the pools at the horizon.</summary>
    public required double KeysStored { get; init; }

    /// <summary>Sum over served services of (hops - 1): the number of trusted relays that forwarded a key.</summary>
    public required long RelayHops { get; init; }

    /// <summary>Events the core processed (arrivals, policy-requested re-splits, samples).</summary>
    public required long EventsProcessed { get; init; }

    /// <summary>Keys consumed per pool (link order).</summary>
    public required ImmutableArray<double> PoolConsumedKeys { get; init; }

    /// <summary>Keys wasted per pool (link order).</summary>
    public required ImmutableArray<double> PoolWastedKeys { get; init; }

    /// <summary>Times of the utilisation samples [s].</summary>
    public required ImmutableArray<double> SampleTimesSeconds { get; init; }

    /// <summary>Fill fraction M/C of every pool at every sample, row-major [sample * pools + pool].</summary>
    public required ImmutableArray<double> PoolFillSamples { get; init; }

    /// <summary>(Served - dropped) / arrived; 1 when nothing arrived.</summary>
    public double SuccessRate => ServicesArrived == 0 ? 1 : (ServicesServed - ServicesDropped) / (double)ServicesArrived;

    /// <summary>Mean trusted relays per served service.</summary>
    public double MeanRelayHops => ServicesServed == 0 ? 0 : RelayHops / (double)ServicesServed;
}
