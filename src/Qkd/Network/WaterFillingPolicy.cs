namespace Qkd.Network;

/// <summary>
/// Our stronger allocation: water-filling on pool levels. A shared budget goes entirely to the
/// lowest non-full pools of the budget, split so that they rise together (f_i proportional to 1/R_i,
/// R full-time rate [keys/s], so every one of them gains c = 1 / sum_{j in S} (1/R_j) keys/s); when
/// the rising set reaches the next pool's level, that pool joins; full pools get nothing. The policy
/// is re-run at each crossing (the simulator schedules it) and whenever a service touches the budget.
/// </summary>
/// <remarks>
/// Multi-hop services need X keys on every hop, so the service rate is set by the lowest pools;
/// raising the minimum level first is the classical max-min ("water-filling") allocation, the
/// fluid analogue of serving the longest queue, which is throughput-optimal for such networks
/// (Tassiulas and Ephremides, IEEE Trans. Automatic Control 37(12), 1992). Unlike seed 003's
/// utilisation split (r = 1 - M/C), it does not depend on C, so deeper pools never dilute it, and
/// it spends no budget on overflow while any pool of the budget has room.
/// </remarks>
public sealed class WaterFillingPolicy : IAllocationPolicy
{
    public string Name => "water-filling";

    public ReallocationTrigger Trigger => ReallocationTrigger.ArrivalTouchedBudgets;

    public double Split(ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates, Span<double> fractions)
    {
        fractions.Clear();
        var lowest = double.PositiveInfinity;
        var fastest = 0.0;
        for (var i = 0; i < levels.Length; i++)
        {
            if (Open(i, levels, capacities, fullRates))
            {
                lowest = Math.Min(lowest, levels[i]);
                fastest = Math.Max(fastest, fullRates[i]);
            }
        }
        if (double.IsPositiveInfinity(lowest))
        {
            return double.PositiveInfinity;
        }
        // Levels closer than what the fastest pool gains in two ticks count as equal: re-splits happen
        // on whole ticks, so a rising set may overshoot its target by up to one tick of rise.
        var tolerance = Math.Max(1e-9 * (1 + lowest), 2.0 * fastest / SimTime.TicksPerSecond);
        var inverseRateSum = 0.0;
        for (var i = 0; i < levels.Length; i++)
        {
            if (Open(i, levels, capacities, fullRates) && levels[i] <= lowest + tolerance)
            {
                inverseRateSum += 1 / fullRates[i];
            }
        }
        // Every member of the rising set gains speed = 1 / sum(1/R) keys/s.
        var speed = 1 / inverseRateSum;
        var next = double.PositiveInfinity;
        for (var i = 0; i < levels.Length; i++)
        {
            if (!Open(i, levels, capacities, fullRates))
            {
                continue;
            }
            if (levels[i] <= lowest + tolerance)
            {
                fractions[i] = speed / fullRates[i];
                next = Math.Min(next, capacities[i]);
            }
            else
            {
                next = Math.Min(next, levels[i]);
            }
        }
        return (next - lowest) / speed;
    }

    private static bool Open(int i, ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates)
        => fullRates[i] > 0 && capacities[i] - levels[i] > KeyPoolBank.FullTolerance(capacities[i]);
}
