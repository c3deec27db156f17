namespace Qkd.Network;

/// <summary>
/// Steady-state key-flow ratio of a network under fixed shortest-path routing: how much of its
/// equipment time the busiest key budget (or dedicated link) would need to serve every offered service.
/// </summary>
/// <remarks>
/// Fluid approximation (ours): demand on pool l is d_l = lambda X sum_p w_p [l in path_p] [keys/s]
/// (lambda arrival rate [1/s], X keys per service, w_p probability of pair p); a budget g needs
/// rho_g = sum_{l in g} d_l / R_l of its time (R_l full-time rate [keys/s]); a dedicated link needs
/// d_l / R_l. rho = max rho; when rho &gt; 1 and blocking falls evenly on all pairs, the long-run success
/// rate is about 1 / rho, whatever the capacity C (pools only buffer fluctuations and the initial
/// stock). Enumerates pairs, so meant for small traffic matrices such as metro3.
/// </remarks>
public static class KeyFlowBound
{
    /// <summary>rho of the busiest budget or dedicated link; +inf when a needed link has rate 0.</summary>
    public static double Utilisation(NetworkTopology topology, NetworkSimulationSettings settings)
    {
        var rates = topology.FullRatesKeysPerSecond(settings.RateModel);
        var demand = new double[topology.Links.Length];
        var finder = new PathFinder(topology);
        foreach (var (s, d, w) in topology.Traffic.Pairs())
        {
            var path = finder.Shortest(s, d);
            if (path is null)
            {
                continue;
            }
            foreach (var l in path)
            {
                demand[l] += settings.ArrivalRatePerSecond * settings.KeysPerService * w;
            }
        }
        var perBudget = new Dictionary<int, double>();
        var worst = 0.0;
        for (var l = 0; l < demand.Length; l++)
        {
            if (demand[l] == 0)
            {
                continue;
            }
            var need = rates[l] > 0 ? demand[l] / rates[l] : double.PositiveInfinity;
            var b = topology.Links[l].BudgetNode;
            if (b < 0)
            {
                worst = Math.Max(worst, need);
            }
            else
            {
                perBudget[b] = perBudget.GetValueOrDefault(b) + need;
            }
        }
        foreach (var v in perBudget.Values)
        {
            worst = Math.Max(worst, v);
        }
        return worst;
    }

    /// <summary>Fluid success-rate estimate min(1, 1/rho).</summary>
    public static double SuccessEstimate(NetworkTopology topology, NetworkSimulationSettings settings)
    {
        var rho = Utilisation(topology, settings);
        return rho <= 1 ? 1 : 1 / rho;
    }
}
