using Qkd.Network;

namespace Qkd.Tests.Network;

public class NetworkSweepTests
{
    private static NetworkSimulationSettings Settings(NetworkPolicy policy, double load)
        => new(keysPerService: 10, offeredLoad: load, horizonSeconds: 200, policy);

    private static NetworkSweep.Result Sweep(IProgress<double>? progress = null)
        => NetworkSweep.Run("capacity", [200, 400], [NetworkPolicies.Fixed, NetworkPolicies.AdaptiveResidue], [50, 150],
            c => StandardTopologies.Metro3(c, 2), Settings, seeds: 2, baseSeed: 7, progress);

    [Fact]
    public void Run_OnePointPerValuePolicyAndLoad_InThatOrder()
    {
        var points = Sweep().Points;
        Assert.Equal(8, points.Count);
        Assert.Equal([200.0, 200, 200, 200, 400, 400, 400, 400], points.Select(p => p.Value));
        Assert.Equal(["fixed", "fixed", "adaptive-residue", "adaptive-residue"], points.Take(4).Select(p => p.Policy));
        Assert.Equal([50.0, 150, 50, 150], points.Take(4).Select(p => p.Load));
        Assert.All(points, p => Assert.Equal("capacity", p.Varied));
    }

    [Fact]
    public void Run_EachPointIsTheSeededExperimentAtThatValueAndLoad()
    {
        var point = Sweep().Points[5];
        var expected = NetworkExperiment.Run(StandardTopologies.Metro3(400, 2), Settings(NetworkPolicies.Fixed, 150), 2, 7);
        Assert.Equal(expected.SuccessRate.Mean, point.SuccessRate);
        Assert.Equal(expected.SuccessRate.HalfWidth95, point.SuccessRateCi95);
        Assert.Equal(expected.ServicesArrived, point.ServicesArrived);
        Assert.Equal(expected.ServicesServed, point.ServicesServed);
        Assert.Equal(expected.KeysWasted, point.KeysWasted);
        Assert.Equal(KeyFlowBound.Utilisation(StandardTopologies.Metro3(400, 2), Settings(NetworkPolicies.Fixed, 150)), point.KeyFlowUtilisation);
    }

    [Fact]
    public void Run_SameSeed_SamePoints()
        => Assert.Equal(Sweep().Points, Sweep().Points);

    [Fact]
    public void Run_ReturnsTheLastTopologyAndSettings()
    {
        var r = Sweep();
        Assert.Equal(400, r.LastTopology.Links[0].CapacityKeys);
        Assert.Equal(150, r.LastSettings.OfferedLoad);
        Assert.Equal("adaptive-residue", r.LastSettings.Policy.Name);
    }

    [Fact]
    public void Run_ReportsProgressEndingAtOne()
    {
        var reports = new List<double>();
        Sweep(new InlineProgress(reports.Add));
        Assert.Equal(8, reports.Count);
        Assert.Equal(1.0, reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void Run_NoValues_Throws()
        => Assert.Throws<ArgumentException>(() => NetworkSweep.Run("capacity", [], [NetworkPolicies.Fixed], [100],
            c => StandardTopologies.Metro3(c, 2), Settings, 1, 1));

    private sealed class InlineProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
