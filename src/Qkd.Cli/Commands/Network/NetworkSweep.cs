using System.Globalization;
using System.Text;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>
/// The sweep behind `qkd network sweep` and `qkd reproduce seed-003`: every value of one parameter
/// x every policy x every load, each point the mean of <c>seeds</c> independent runs.
/// </summary>
public static class NetworkSweep
{
    /// <summary>The last topology and settings a sweep used (for the report's scenario section).</summary>
    public sealed record Result(List<SweepPoint> Points, NetworkTopology LastTopology, NetworkSimulationSettings LastSettings);

    /// <summary>Runs the sweep; <paramref name="topologyFor"/> builds the topology for a value, <paramref name="settingsFor"/> the settings for a policy and load.</summary>
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
                    var rho = topology.Traffic.Endpoints.Length <= 200 ? KeyFlowBound.Utilisation(topology, settings) : double.NaN;
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

    /// <summary>The sweep's CSV: one row per point, invariant culture.</summary>
    public static string Csv(IReadOnlyList<SweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sb = new StringBuilder("policy,varied,value,load,successRate,successRateCi95,servicesArrived,servicesServed,keysGenerated,keysConsumed,keysWasted,meanRelayHops,keyFlowUtilisation\n");
        foreach (var p in points)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{p.Policy},{p.Varied},{p.Value:G9},{p.Load:G9},{p.SuccessRate:G6},{p.SuccessRateCi95:G6},{p.ServicesArrived},{p.ServicesServed},{p.KeysGenerated:G9},{p.KeysConsumed:G9},{p.KeysWasted:G9},{p.MeanRelayHops:G6},{p.KeyFlowUtilisation:G6}\n");
        }
        return sb.ToString();
    }
}
