using System.Collections.Immutable;
using Qkd.Bits;

namespace Qkd.Network;

/// <summary>
/// Discrete-event simulation of a trusted-relay key network (seed 003's relayed key pools).
/// Pools refill continuously at their assigned rate up to capacity (overflow counts as wasted);
/// services arrive as a Poisson process between node pairs drawn from the traffic matrix; a service
/// routed over h hops takes X keys from every one of the h pools (hop-by-hop one-time-pad relay:
/// the end-to-end key is encrypted with each hop's key in turn) and succeeds only if every hop can
/// pay, otherwise it is blocked and consumes nothing. Shared key budgets are re-split by the
/// policy. The only randomness is the arrival process (stream 1: times, stream 2: pairs of
/// <see cref="SimRandom.ForStream"/>), so every policy and parameter sees the same arrivals for a seed.
/// </summary>
public sealed partial class NetworkSimulator
{
    private const int PriorityResplit = 0;
    private const int PriorityArrival = 1;
    private const int PrioritySample = 2;

    private readonly NetworkTopology _topology;
    private readonly NetworkSimulationSettings _settings;
    private readonly IAllocationPolicy _allocation;
    private readonly INetworkObserver? _observer;
    private readonly KeyPoolBank _pools;
    private readonly double[] _fullRates;
    private readonly int[] _groupOfPool;
    private readonly int[] _groupStart;
    private readonly int[] _groupMembers;
    private readonly int[] _groupVersion;
    private readonly bool[] _groupTouched;
    private readonly double[] _scratchLevels;
    private readonly double[] _scratchCapacities;
    private readonly double[] _scratchRates;
    private readonly double[] _scratchDrains;
    private readonly double[] _scratchFractions;
    private readonly PathFinder _paths;
    private readonly Dictionary<long, int[]?> _shortestCache = [];
    private readonly Dictionary<int, int[]> _treeCache = [];
    private readonly Dictionary<long, int[][]> _alternativesCache = [];
    private readonly EventQueue<NetworkEvent> _agenda = new(256);
    private readonly long _horizonTicks;
    private readonly double _keysPerService;
    private readonly double _meanInterarrivalSeconds;
    private double[]? _observerBefore;
    private SimRandom _arrivalTimes;
    private SimRandom _arrivalPairs;
    private double _nextArrivalSeconds;
    private long _arrived, _served, _relayHops, _events;

    private NetworkSimulator(NetworkTopology topology, NetworkSimulationSettings settings, ulong seed, INetworkObserver? observer)
    {
        _topology = topology;
        _settings = settings;
        _allocation = settings.Policy.Allocation;
        _observer = observer;
        _keysPerService = settings.KeysPerService;
        _horizonTicks = SimTime.FromSeconds(settings.HorizonSeconds).Ticks;
        _meanInterarrivalSeconds = settings.ArrivalRatePerSecond > 0 ? 1 / settings.ArrivalRatePerSecond : double.PositiveInfinity;
        _arrivalTimes = SimRandom.ForStream(seed, 1);
        _arrivalPairs = SimRandom.ForStream(seed, 2);
        _paths = new PathFinder(topology);

        var n = topology.Links.Length;
        _pools = new KeyPoolBank(n);
        _fullRates = topology.FullRatesKeysPerSecond(settings.RateModel);
        _groupOfPool = new int[n];
        var groupIds = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            var link = topology.Links[i];
            _pools.Capacity[i] = link.CapacityKeys;
            _pools.Level[i] = settings.InitialFillFraction * link.CapacityKeys;
            _pools.InitialKeys += _pools.Level[i];
            if (link.BudgetNode < 0)
            {
                _groupOfPool[i] = -1;
                _pools.Rate[i] = _fullRates[i];
            }
            else if (!groupIds.TryGetValue(link.BudgetNode, out _groupOfPool[i]))
            {
                _groupOfPool[i] = groupIds.Count;
                groupIds.Add(link.BudgetNode, _groupOfPool[i]);
            }
        }
        var groups = groupIds.Count;
        _groupStart = new int[groups + 1];
        foreach (var g in _groupOfPool)
        {
            if (g >= 0)
            {
                _groupStart[g + 1]++;
            }
        }
        var largest = 1;
        for (var g = 0; g < groups; g++)
        {
            largest = Math.Max(largest, _groupStart[g + 1]);
            _groupStart[g + 1] += _groupStart[g];
        }
        _groupMembers = new int[_groupStart[groups]];
        var fill = (int[])_groupStart.Clone();
        for (var i = 0; i < n; i++)
        {
            if (_groupOfPool[i] >= 0)
            {
                _groupMembers[fill[_groupOfPool[i]]++] = i;
            }
        }
        _groupVersion = new int[groups];
        _groupTouched = new bool[groups];
        _scratchLevels = new double[largest];
        _scratchCapacities = new double[largest];
        _scratchRates = new double[largest];
        _scratchDrains = new double[largest];
        _scratchFractions = new double[largest];
        if (settings.IsHolding)
        {
            InitialiseHolding(seed);
        }
    }

    /// <summary>Runs one seeded simulation to the horizon.</summary>
    public static NetworkRunResult Run(NetworkTopology topology, NetworkSimulationSettings settings, ulong seed, INetworkObserver? observer = null)
    {
        Guard.NotNull(topology);
        Guard.NotNull(settings);
        return new NetworkSimulator(topology, settings, seed, observer).Execute(seed);
    }

    private NetworkRunResult Execute(ulong seed)
    {
        for (var g = 0; g < _groupVersion.Length; g++)
        {
            Resplit(g, 0);
        }
        ScheduleNextArrival();
        var samples = _settings.UtilisationSamples;
        var sampleTimes = new double[samples];
        var fills = new double[samples * _pools.Count];
        for (var k = 1; k <= samples; k++)
        {
            _agenda.Schedule(new SimTime(_horizonTicks * k / samples), PrioritySample, new NetworkEvent(EventKind.Sample, k - 1, 0));
        }
        while (_agenda.TryDequeue(out var time, out var e))
        {
            if (time.Ticks > _horizonTicks)
            {
                break;
            }
            _events++;
            var now = time.Ticks;
            switch (e.Kind)
            {
                case EventKind.Arrival:
                    OnArrival(now);
                    break;
                case EventKind.Resplit:
                    if (e.Version == _groupVersion[e.Index])
                    {
                        Resplit(e.Index, now);
                    }
                    break;
                case EventKind.ServiceEnd:
                    OnServiceEnd(e.Index, now);
                    break;
                case EventKind.PoolEmpty:
                    OnPoolEmpty(e.Index, e.Version, now);
                    break;
                case EventKind.Sample:
                    _pools.AdvanceAll(now);
                    sampleTimes[e.Index] = time.Seconds;
                    for (var p = 0; p < _pools.Count; p++)
                    {
                        fills[e.Index * _pools.Count + p] = _pools.Level[p] / _pools.Capacity[p];
                    }
                    break;
            }
            if (_observer is not null)
            {
                _pools.AdvanceAll(now);
                _observer.AfterEvent(time, _pools.Level, _pools.Capacity);
            }
        }
        _pools.AdvanceAll(_horizonTicks);
        return new NetworkRunResult
        {
            Seed = seed,
            Policy = _settings.Policy.Name,
            ServicesArrived = _arrived,
            ServicesServed = _served,
            ServicesBlocked = _arrived - _served,
            ServicesDropped = _dropped,
            InitialKeys = _pools.InitialKeys,
            KeysGenerated = KeyPoolBank.Sum(_pools.Generated),
            KeysConsumed = KeyPoolBank.Sum(_pools.Consumed),
            KeysWasted = KeyPoolBank.Sum(_pools.Wasted),
            KeysStored = KeyPoolBank.Sum(_pools.Level),
            RelayHops = _relayHops,
            EventsProcessed = _events,
            PoolConsumedKeys = [.. _pools.Consumed],
            PoolWastedKeys = [.. _pools.Wasted],
            SampleTimesSeconds = ImmutableArray.Create(sampleTimes),
            PoolFillSamples = ImmutableArray.Create(fills),
        };
    }

    private void ScheduleNextArrival()
    {
        if (double.IsPositiveInfinity(_meanInterarrivalSeconds))
        {
            return;
        }
        // Exponential inter-arrival time -ln(U)/lambda (Poisson process); accumulated in seconds and
        // rounded to a tick only when scheduled, so rounding never drifts the arrival rate.
        _nextArrivalSeconds += -Math.Log(_arrivalTimes.NextDoubleNonZero()) * _meanInterarrivalSeconds;
        if (_nextArrivalSeconds * SimTime.TicksPerSecond > _horizonTicks)
        {
            return;
        }
        _agenda.Schedule(new SimTime((long)Math.Round(_nextArrivalSeconds * SimTime.TicksPerSecond)), PriorityArrival,
            new NetworkEvent(EventKind.Arrival, 0, 0));
    }

    private void OnArrival(long now)
    {
        _arrived++;
        var (source, destination) = _topology.Traffic.Sample(ref _arrivalPairs);
        if (_observer is not null)
        {
            _pools.AdvanceAll(now);
            _observerBefore ??= new double[_pools.Count];
            _pools.Level.CopyTo(_observerBefore, 0);
        }
        var path = ChoosePath(source, destination, now);
        if (path is not null && _settings.IsHolding)
        {
            Admit(path, now);
            _served++;
            _relayHops += path.Length - 1;
            foreach (var p in path)
            {
                if (_groupOfPool[p] >= 0)
                {
                    _groupTouched[_groupOfPool[p]] = true;
                }
            }
        }
        else if (path is not null)
        {
            foreach (var p in path)
            {
                // A pool within FullTolerance of X pays what it holds, so the key balance stays exact.
                var paid = Math.Min(_pools.Level[p], _keysPerService);
                _pools.Level[p] -= paid;
                _pools.Consumed[p] += paid;
                if (_groupOfPool[p] >= 0)
                {
                    _groupTouched[_groupOfPool[p]] = true;
                }
            }
            _served++;
            _relayHops += path.Length - 1;
        }
        _observer?.OnService(source, destination, path ?? [], _observerBefore, _pools.Level);
        var trigger = _allocation.Trigger;
        if ((trigger & ReallocationTrigger.EveryArrivalAllBudgets) != 0)
        {
            for (var g = 0; g < _groupVersion.Length; g++)
            {
                Resplit(g, now);
            }
        }
        else if ((trigger & ReallocationTrigger.ArrivalTouchedBudgets) != 0 && path is not null)
        {
            foreach (var p in path)
            {
                var g = _groupOfPool[p];
                if (g >= 0 && _groupTouched[g])
                {
                    _groupTouched[g] = false;
                    Resplit(g, now);
                }
            }
        }
        if (path is not null)
        {
            foreach (var p in path)
            {
                if (_groupOfPool[p] >= 0)
                {
                    _groupTouched[_groupOfPool[p]] = false;
                }
            }
        }
        ScheduleNextArrival();
    }

    /// <summary>Advances budget <paramref name="group"/>'s pools to now and lets the policy re-split it.</summary>
    private void Resplit(int group, long now)
    {
        var start = _groupStart[group];
        var count = _groupStart[group + 1] - start;
        for (var i = 0; i < count; i++)
        {
            var p = _groupMembers[start + i];
            _pools.Advance(p, now);
            _scratchLevels[i] = _pools.Level[p];
            _scratchCapacities[i] = _pools.Capacity[p];
            _scratchRates[i] = _fullRates[p];
            _scratchDrains[i] = _pools.Drain[p];
        }
        var fractions = _scratchFractions.AsSpan(0, count);
        var validSeconds = _allocation.Split(_scratchLevels.AsSpan(0, count), _scratchCapacities.AsSpan(0, count), _scratchRates.AsSpan(0, count), _scratchDrains.AsSpan(0, count), fractions);
        for (var i = 0; i < count; i++)
        {
            var p = _groupMembers[start + i];
            _pools.Rate[p] = Math.Clamp(fractions[i], 0, 1) * _fullRates[p];
            ScheduleEmptyCheck(p, now);
        }
        _groupVersion[group]++;
        if (TicksAfter(now, validSeconds, minimumTicks: 1) is { } at)
        {
            _agenda.Schedule(new SimTime(at), PriorityResplit, new NetworkEvent(EventKind.Resplit, group, _groupVersion[group]));
        }
    }

    /// <summary>
    /// The tick <paramref name="seconds"/> after <paramref name="now"/>, rounded up and at least
    /// <paramref name="minimumTicks"/> later, or null when that is past the horizon (or not a finite
    /// non-negative duration). Compared in seconds first, so huge durations never overflow the tick count.
    /// </summary>
    private long? TicksAfter(long now, double seconds, long minimumTicks)
    {
        if (!(seconds >= 0) || seconds > (_horizonTicks - now) / (double)SimTime.TicksPerSecond)
        {
            return null;
        }
        var at = now + Math.Max(minimumTicks, (long)Math.Ceiling(seconds * SimTime.TicksPerSecond));
        return at <= _horizonTicks ? at : null;
    }

    private enum EventKind : byte
    {
        Arrival,
        Resplit,
        ServiceEnd,
        PoolEmpty,
        Sample,
    }

    private readonly record struct NetworkEvent(EventKind Kind, int Index, int Version);
}
