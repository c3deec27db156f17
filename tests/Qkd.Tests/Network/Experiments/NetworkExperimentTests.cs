using Qkd.Network;

namespace Qkd.Tests.Network;

public class NetworkExperimentTests
{
    private static readonly NetworkTopology Metro = StandardTopologies.Metro3(200, 2);
    private static readonly NetworkSimulationSettings Settings = new(keysPerService: 10, offeredLoad: 200, horizonSeconds: 200, NetworkPolicies.AdaptiveResidue);

    [Fact]
    public void Run_SeedIIsBaseSeedPlusI()
    {
        var summary = NetworkExperiment.Run(Metro, Settings, 3, 40);
        Assert.Equal([40UL, 41, 42], summary.Runs.Select(r => r.Seed));
        Assert.Equal(NetworkSimulator.Run(Metro, Settings, 41).ServicesServed, summary.Runs[1].ServicesServed);
    }

    [Fact]
    public void Run_FirstRunSamples_SamplesOnlyTheFirstRun_AndChangesNoCounter()
    {
        var plain = NetworkExperiment.Run(Metro, Settings, 3, 40);
        var sampled = NetworkExperiment.Run(Metro, Settings, 3, 40, firstRunSamples: 25);
        Assert.Equal(25, sampled.Runs[0].SampleTimesSeconds.Length);
        Assert.Equal(25 * Metro.Links.Length, sampled.Runs[0].PoolFillSamples.Length);
        Assert.All(sampled.Runs.Skip(1), r => Assert.Empty(r.SampleTimesSeconds));
        Assert.Equal(plain.SuccessRate, sampled.SuccessRate);
        Assert.Equal(plain.ServicesServed, sampled.ServicesServed);
    }

    [Fact]
    public void Run_ReportsProgressAfterEachRun()
    {
        var reports = new List<double>();
        NetworkExperiment.Run(Metro, Settings, 4, 1, progress: new InlineProgress(reports.Add));
        Assert.Equal([0.25, 0.5, 0.75, 1.0], reports);
    }

    [Fact]
    public void Run_ZeroSeeds_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => NetworkExperiment.Run(Metro, Settings, 0, 1));

    private sealed class InlineProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
