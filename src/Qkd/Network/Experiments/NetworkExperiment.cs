namespace Qkd.Network;

/// <summary>Repeats a run over independent seeds (seed i = base seed + i) and summarises.</summary>
public static class NetworkExperiment
{
    /// <summary>
    /// Runs <paramref name="seeds"/> seeds of one configuration. With <paramref name="firstRunSamples"/> &gt; 0 the
    /// first run also samples every pool's level that many times over the horizon (the others do not, which keeps
    /// them fast); <paramref name="progress"/> hears the fraction of runs done after each run.
    /// </summary>
    public static NetworkSummary Run(NetworkTopology topology, NetworkSimulationSettings settings, int seeds, ulong baseSeed,
        int firstRunSamples = 0, IProgress<double>? progress = null)
    {
        Guard.InRange(seeds, 1, 10_000, "Number of seeds");
        Guard.NotNull(settings);
        var runs = new NetworkRunResult[seeds];
        for (var i = 0; i < seeds; i++)
        {
            var s = i == 0 && firstRunSamples > 0 ? settings.WithSamples(firstRunSamples) : settings;
            runs[i] = NetworkSimulator.Run(topology, s, unchecked(baseSeed + (ulong)i));
            progress?.Report((i + 1) / (double)seeds);
        }
        return Summarise(settings, runs);
    }

    /// <summary>Summary statistics of finished runs of one configuration.</summary>
    public static NetworkSummary Summarise(NetworkSimulationSettings settings, IReadOnlyList<NetworkRunResult> runs)
    {
        var rates = new double[runs.Count];
        long arrived = 0, served = 0, dropped = 0, relays = 0, events = 0;
        double generated = 0, consumed = 0, wasted = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            rates[i] = r.SuccessRate;
            arrived += r.ServicesArrived;
            served += r.ServicesServed;
            dropped += r.ServicesDropped;
            relays += r.RelayHops;
            events += r.EventsProcessed;
            generated += r.KeysGenerated;
            consumed += r.KeysConsumed;
            wasted += r.KeysWasted;
        }
        return new NetworkSummary
        {
            Policy = settings.Policy.Name,
            OfferedLoad = settings.OfferedLoad,
            SuccessRate = ConfidenceInterval.Of(rates),
            ServicesArrived = arrived,
            ServicesServed = served,
            ServicesDropped = dropped,
            KeysGenerated = generated,
            KeysConsumed = consumed,
            KeysWasted = wasted,
            MeanRelayHops = served == 0 ? 0 : relays / (double)served,
            EventsProcessed = events,
            Runs = [.. runs],
        };
    }
}
