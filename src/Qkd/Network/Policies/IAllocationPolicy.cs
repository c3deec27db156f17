namespace Qkd.Network;

/// <summary>
/// How a shared key budget (one node's QKD transmitter/receiver, time-shared among its links) is
/// split among the pools of those links. The simulator calls <see cref="Split"/> with the pools'
/// levels advanced to the current time; fraction f of the budget gives a pool the fill rate
/// f * R, with R the link's full-time rate.
/// </summary>
public interface IAllocationPolicy
{
    /// <summary>Name used in reports and on the command line.</summary>
    string Name { get; }

    /// <summary>When the policy re-splits budgets.</summary>
    ReallocationTrigger Trigger { get; }

    /// <summary>
    /// Writes each member pool's time fraction into <paramref name="fractions"/>: each within [0, 1]
    /// and summing to at most 1. <paramref name="levels"/> [keys], <paramref name="capacities"/>
    /// [keys], <paramref name="fullRates"/> [keys/s] and <paramref name="drains"/> (keys/s taken by
    /// running holding-time services; 0 in the one-shot model) describe the members in the same order.
    /// Returns how long [s] this split stays right if no service starts or ends: the simulator calls
    /// the policy again after that time (+inf: not before the next trigger).
    /// </summary>
    double Split(ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates, ReadOnlySpan<double> drains, Span<double> fractions);
}
