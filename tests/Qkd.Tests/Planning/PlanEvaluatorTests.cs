using System.Collections.Immutable;
using Qkd.Physics;
using Qkd.Planning;

namespace Qkd.Tests.Planning;

public class PlanEvaluatorTests
{
    private static FibreSpan Span(string id, string from, double km, long devices = 10) => new(id, from, "du", new Fiber(km, 0.2), 0.5,
        WdmConfiguration.For(WdmKind.Passive), [new WdmDataChannel(-15, 1530, PropagationDirection.CoPropagating)], new KeyDemand(devices, 30));

    private static DeploymentPlan Plan(params Architecture[] architectures) => new("t", "decoy-vacuum-weak", LinkPresets.Seed000(1),
        new DeviceCosts(50, 100, 5, 1.0), [new Site("du", SiteKind.Du), new Site("a1", SiteKind.Aau), new Site("a2", SiteKind.Aau)],
        [Span("f1", "a1", 5), Span("f2", "a2", 10)], [.. architectures]);

    private static readonly Architecture ManyReceivers = new("many-rx", "", [
        new QkdDevice("alice", DeviceRole.Transmitter, "du", ["f1", "f2"]),
        new QkdDevice("bob1", DeviceRole.Receiver, "a1", ["f1"]),
        new QkdDevice("bob2", DeviceRole.Receiver, "a2", ["f2"])]);

    private static readonly Architecture Dedicated = new("dedicated", "", [
        new QkdDevice("alice1", DeviceRole.Transmitter, "du", ["f1"]),
        new QkdDevice("alice2", DeviceRole.Transmitter, "du", ["f2"]),
        new QkdDevice("bob1", DeviceRole.Receiver, "a1", ["f1"]),
        new QkdDevice("bob2", DeviceRole.Receiver, "a2", ["f2"])]);

    [Fact]
    public void SharedTransmitter_HalvesTimeAndAddsSwitchLoss()
    {
        var r = PlanEvaluator.Evaluate(Plan(ManyReceivers, Dedicated));
        var shared = r.Architectures[0].Links[0];
        var own = r.Architectures[1].Links[0];
        Assert.Equal(0.5, shared.TimeShare);
        Assert.Equal(1.0, shared.SwitchLossDb);
        Assert.Equal(own.TotalLossDb + 1.0, shared.TotalLossDb, 9);
        Assert.True(shared.SecretKeyRateBps < 0.5 * own.SecretKeyRateBps);
    }

    [Fact]
    public void LossBudget_AddsFibreExtraAndWdm()
    {
        var l = PlanEvaluator.Evaluate(Plan(Dedicated)).Architectures[0].Links[1];
        Assert.Equal(2.0, l.FibreLossDb, 9);
        Assert.Equal(0.5 + 2.0 + 2.0, l.TotalLossDb, 9);
        Assert.True(l.NoiseCountPerPulse > 0);
    }

    [Fact]
    public void Cost_CountsDevicesAndSwitchPorts()
    {
        var r = PlanEvaluator.Evaluate(Plan(ManyReceivers, Dedicated));
        Assert.Equal(50 + 2 * 100 + 2 * 5, r.Architectures[0].TotalCost);
        Assert.Equal(2 * 50 + 2 * 100, r.Architectures[1].TotalCost);
    }

    [Fact]
    public void Demand_IsDevicesOverRefreshPeriod_AndComparedWithSupply()
    {
        var plan = Plan(Dedicated) with { Fibres = [Span("f1", "a1", 5, devices: 300), Span("f2", "a2", 10, devices: 100_000_000)] };
        var links = PlanEvaluator.Evaluate(plan).Architectures[0].Links;
        Assert.Equal(10, links[0].DemandKeysPerSecond, 9);
        Assert.True(links[0].DemandMet);
        Assert.False(links[1].DemandMet);
    }

    [Fact]
    public void FibreWithoutReceiver_IsRejectedNamingIt()
    {
        var broken = new Architecture("broken", "", [new QkdDevice("alice", DeviceRole.Transmitter, "du", ["f1"])]);
        var e = Assert.Throws<ArgumentException>(() => PlanEvaluator.Evaluate(Plan(broken)));
        Assert.Contains("f1", e.Message);
    }

    [Fact]
    public void DeviceAtWrongSite_IsRejected()
    {
        var broken = new Architecture("broken", "", [
            new QkdDevice("alice", DeviceRole.Transmitter, "a2", ["f1"]), new QkdDevice("bob", DeviceRole.Receiver, "a1", ["f1"])]);
        Assert.Throws<ArgumentException>(() => PlanEvaluator.Evaluate(Plan(broken)));
    }

    [Fact]
    public void KeyDemand_Seed002_150SensorsEvery30s_Is5KeysPerSecond()
        => Assert.Equal(5, new KeyDemand(150, 30).KeysPerSecond, 12);

    [Fact]
    public void UnknownSite_InFibre_IsRejected()
    {
        var plan = Plan(Dedicated) with { Fibres = ImmutableArray.Create(Span("f1", "nowhere", 5)) };
        Assert.Throws<ArgumentException>(() => PlanEvaluator.Evaluate(plan));
    }
}
