using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.Network;

namespace Qkd.Benchmarks.Network;

/// <summary>
/// Events per second of the network simulator. Each benchmark offers 100,000 services (Poisson,
/// seed 1) and reports time per offered service (OperationsPerInvoke); events per second is
/// (events per service) / (time per operation), with events per service printed by
/// `qkd network simulate --json` (eventsProcessed / servicesArrived: 1.0 for fixed and
/// adaptive-residue, 1.64 for adaptive-routing on metro3). The baseline is the bare event queue: one
/// schedule and one dequeue per event with the same heap depth as the simulator.
/// </summary>
[MemoryDiagnoser]
public class NetworkSimulationBenchmarks
{
    private const int Services = 100_000;
    private NetworkTopology _metro = null!;
    private NetworkTopology _city = null!;
    private readonly EventQueue<long> _queue = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        _metro = StandardTopologies.Metro3(200, 2);
        _city = CityTopologyGenerator.Generate(1000, 1, 200, 2);
    }

    private static NetworkSimulationSettings Settings(NetworkPolicy policy)
        => new(keysPerService: 10, offeredLoad: Services, horizonSeconds: Services, policy);

    [Benchmark(Baseline = true, OperationsPerInvoke = Services)]
    public long EventQueueOnly()
    {
        _queue.Clear();
        var random = new SimRandom(1);
        var t = 0L;
        var sum = 0L;
        _queue.Schedule(new SimTime(0), 1, 0);
        for (var i = 0; i < Services; i++)
        {
            _queue.TryDequeue(out var time, out var payload);
            sum += payload;
            t = time.Ticks + 1 + (long)random.NextBelow(2_000_000);
            _queue.Schedule(new SimTime(t), 1, i);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Services)]
    public long Metro3Fixed() => NetworkSimulator.Run(_metro, Settings(NetworkPolicies.Fixed), 1).EventsProcessed;

    [Benchmark(OperationsPerInvoke = Services)]
    public long Metro3AdaptiveResidue() => NetworkSimulator.Run(_metro, Settings(NetworkPolicies.AdaptiveResidue), 1).EventsProcessed;

    [Benchmark(OperationsPerInvoke = Services)]
    public long Metro3AdaptiveRouting() => NetworkSimulator.Run(_metro, Settings(NetworkPolicies.AdaptiveRouting), 1).EventsProcessed;

    [Benchmark(OperationsPerInvoke = Services)]
    public long City1000Fixed() => NetworkSimulator.Run(_city, Settings(NetworkPolicies.Fixed), 1).EventsProcessed;

    [Benchmark(OperationsPerInvoke = Services)]
    public long City1000AdaptiveRouting() => NetworkSimulator.Run(_city, Settings(NetworkPolicies.AdaptiveRouting), 1).EventsProcessed;
}
