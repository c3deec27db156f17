namespace Qkd.Network;

/// <summary>
/// The sweep behind `qkd network sweep` and `qkd reproduce seed-003`: every value of one parameter
/// x every policy x every load, each point the mean of <c>seeds</c> independent runs
/// (<see cref="NetworkExperiment"/>), with the key-flow utilisation (<see cref="KeyFlowBound"/>) beside it.
/// </summary>
public static class NetworkSweep
{
    /// <summary>Traffic matrices with more endpoints than this get no key-flow utilisation (NaN): it enumerates pairs.</summary>
    public const int MaxEndpointsForKeyFlowBound = 200;

    /// <summary>The points, and the last topology and settings the sweep used (for a report's scenario section).</summary>
    public sealed record Result(List<SweepPoint> Points, NetworkTopology LastTopology, NetworkSimulationSettings LastSettings);

    /// <summary>
    /// Runs the sweep in the order value, policy, load; <paramref name="topologyFor"/> builds the topology for a value,
    /// <paramref name="settingsFor"/> the settings for a policy and load. Every point uses seeds
    /// <paramref name="baseSeed"/> .. <paramref name="baseSeed"/> + <paramref name="seeds"/> - 1, so policies see the same arrivals.
    /// </summary>
    public static Result Run(string parameter, IReadOnlyList<double> values, IReadOnlyList<NetworkPolicy> policies, IReadOnlyList<double> loads,
        Func<double, NetworkTopology> topologyFor, Func<NetworkPolicy, double, NetworkSimulationSettings> settingsFor,
        int seeds, ulong baseSeed, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(topologyFor);
        ArgumentNullException.ThrowIfNull(settingsFor);
        var total = values.Count * policies.Count * loads.Count;
        NetworkTopology? lastTopology = null;
        NetworkSimulationSettings? lastSettings = null;
        var list = new List<SweepPoint>();
        foreach (var value in values)
        {
            var topology = topologyFor(value);
            lastTopology = topology;
            foreach (var policy in policies)
            {
                foreach (var load in loads)
                {
                    var settings = settingsFor(policy, load);
                    lastSettings = settings;
                    var s = NetworkExperiment.Run(topology, settings, seeds, baseSeed);
                    var rho = topology.Traffic.Endpoints.Length <= MaxEndpointsForKeyFlowBound ? KeyFlowBound.Utilisation(topology, settings) : double.NaN;
                    list.Add(new SweepPoint(settings.Policy.Name, parameter, value, load, s.SuccessRate.Mean, s.SuccessRate.HalfWidth95,
                        s.ServicesArrived, s.ServicesServed, s.KeysGenerated, s.KeysConsumed, s.KeysWasted, s.MeanRelayHops, rho));
                    progress?.Report(list.Count / (double)total);
                }
            }
        }
        if (lastTopology is null || lastSettings is null)
        {
            throw new ArgumentException("A sweep needs at least one value, policy and load.", nameof(values));
        }
        return new Result(list, lastTopology, lastSettings);
    }
}
