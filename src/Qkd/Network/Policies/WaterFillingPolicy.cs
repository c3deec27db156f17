namespace Qkd.Network;

/// <summary>
/// Our stronger allocation: water-filling on pool levels. A shared budget goes entirely to the
/// lowest non-full pools of the budget (the rising set S), split so that they rise together at a
/// common speed c: f_i R_i - d_i = c with sum f_i = 1, so c = (1 - sum_S d_i/R_i) / sum_S (1/R_i) and
/// f_i = (c + d_i) / R_i (R full-time rate [keys/s], d drain of running holding-time services
/// [keys/s], 0 in the one-shot model). When the set reaches another pool's level (which falls at d_j
/// meanwhile) that pool joins; full pools get just their drain (f = d / R), so they stay full. The policy returns the time to the next such
/// crossing, and the simulator re-runs it then and whenever a service touches the budget.
/// </summary>
/// <remarks>
/// Multi-hop services need X keys on every hop, so the service rate is set by the lowest pools;
/// raising the minimum level first is the classical max-min ("water-filling") allocation, the
/// fluid analogue of serving the longest queue, which is throughput-optimal for such networks
/// (Tassiulas and Ephremides, IEEE Trans. Automatic Control 37(12), 1992). Unlike seed 003's
/// utilisation split (r = 1 - M/C), it does not depend on C, so deeper pools never dilute it, and
/// it spends no budget on overflow while any pool of the budget has room. If the budget cannot even
/// hold the lowest pools level (c &lt;= 0) it is split in proportion to their drains and re-run at the
/// next trigger.
/// </remarks>
public sealed class WaterFillingPolicy : IAllocationPolicy
{
    public string Name => "water-filling";

    public ReallocationTrigger Trigger => ReallocationTrigger.ArrivalTouchedBudgets;

    public double Split(ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates, ReadOnlySpan<double> drains, Span<double> fractions)
    {
        fractions.Clear();
        // Full pools that running services drain are held full: f = d / R. The rest of the budget
        // water-fills the open pools.
        var reserved = 0.0;
        var lowest = double.PositiveInfinity;
        var fastest = 0.0;
        for (var i = 0; i < levels.Length; i++)
        {
            if (Open(i, levels, capacities, fullRates))
            {
                lowest = Math.Min(lowest, levels[i]);
                fastest = Math.Max(fastest, fullRates[i]);
            }
            else if (fullRates[i] > 0 && drains[i] > 0)
            {
                fractions[i] = drains[i] / fullRates[i];
                reserved += fractions[i];
            }
        }
        if (reserved >= 1)
        {
            for (var i = 0; i < fractions.Length; i++)
            {
                fractions[i] /= reserved;
            }
            return double.PositiveInfinity;
        }
        if (double.IsPositiveInfinity(lowest))
        {
            return double.PositiveInfinity;
        }
        // Levels closer than what the fastest pool gains in two ticks count as equal: re-splits happen
        // on whole ticks, so a rising set may overshoot its target by up to one tick of rise.
        var tolerance = Math.Max(1e-9 * (1 + lowest), 2.0 * fastest / SimTime.TicksPerSecond);
        double inverseRateSum = 0, drainShare = 0;
        for (var i = 0; i < levels.Length; i++)
        {
            if (Rising(i, levels, capacities, fullRates, lowest, tolerance))
            {
                inverseRateSum += 1 / fullRates[i];
                drainShare += drains[i] / fullRates[i];
            }
        }
        var budget = 1 - reserved;
        var speed = (budget - drainShare) / inverseRateSum;
        if (speed <= 0)
        {
            for (var i = 0; i < levels.Length; i++)
            {
                if (Rising(i, levels, capacities, fullRates, lowest, tolerance))
                {
                    fractions[i] = budget * drains[i] / fullRates[i] / drainShare;
                }
            }
            return double.PositiveInfinity;
        }
        var next = double.PositiveInfinity;
        for (var i = 0; i < levels.Length; i++)
        {
            if (!Open(i, levels, capacities, fullRates))
            {
                continue;
            }
            if (levels[i] <= lowest + tolerance)
            {
                fractions[i] = (speed + drains[i]) / fullRates[i];
                next = Math.Min(next, (capacities[i] - lowest) / speed);
            }
            else
            {
                next = Math.Min(next, (levels[i] - lowest) / (speed + drains[i]));
            }
        }
        return next;
    }

    private static bool Rising(int i, ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates, double lowest, double tolerance)
        => Open(i, levels, capacities, fullRates) && levels[i] <= lowest + tolerance;

    private static bool Open(int i, ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates)
        => fullRates[i] > 0 && capacities[i] - levels[i] > KeyPoolBank.FullTolerance(capacities[i]);
}
