using Qkd.Bits;

namespace Qkd.Network;

/// <summary>
/// The holding-time variant: an admitted service drains X / H keys/s from every pool on its path for
/// an exponential time of mean H (stream 3 of the seed). A pool whose drain exceeds its fill runs dry
/// at a computable instant; a pool-empty event then drops the most recently admitted services through
/// that pool until it is no longer draining faster than it fills.
/// </summary>
public sealed partial class NetworkSimulator
{
    private readonly List<int[]> _activePaths = [];
    private readonly List<bool> _activeAlive = [];
    private List<int>[]? _poolServices;
    private int[]? _poolVersion;
    private SimRandom _holdingTimes;
    private long _dropped;

    private double HoldingDrainRate => _keysPerService / _settings.HoldingTimeSeconds;

    private void InitialiseHolding(ulong seed)
    {
        _holdingTimes = SimRandom.ForStream(seed, 3);
        _poolVersion = new int[_pools.Count];
        _poolServices = new List<int>[_pools.Count];
        for (var p = 0; p < _pools.Count; p++)
        {
            _poolServices[p] = [];
        }
    }

    private void Admit(int[] path, long now)
    {
        var id = _activePaths.Count;
        _activePaths.Add(path);
        _activeAlive.Add(true);
        foreach (var p in path)
        {
            _pools.Advance(p, now);
            _pools.Drain[p] += HoldingDrainRate;
            _poolServices![p].Add(id);
            ScheduleEmptyCheck(p, now);
        }
        var seconds = -Math.Log(_holdingTimes.NextDoubleNonZero()) * _settings.HoldingTimeSeconds;
        if (TicksAfter(now, seconds, minimumTicks: 0) is { } end)
        {
            _agenda.Schedule(new SimTime(end), PriorityResplit, new NetworkEvent(EventKind.ServiceEnd, id, 0));
        }
    }

    private void OnServiceEnd(int id, long now)
    {
        if (_activeAlive[id])
        {
            Release(id, now);
        }
    }

    private void OnPoolEmpty(int pool, int version, long now)
    {
        if (version != _poolVersion![pool])
        {
            return;
        }
        _pools.Advance(pool, now);
        var services = _poolServices![pool];
        while (services.Count > 0 && _pools.Drain[pool] > _pools.Rate[pool] && _pools.Level[pool] <= KeyPoolBank.FullTolerance(_pools.Capacity[pool]))
        {
            _dropped++;
            Release(services[^1], now);
        }
        ScheduleEmptyCheck(pool, now);
    }

    private void Release(int id, long now)
    {
        _activeAlive[id] = false;
        var path = _activePaths[id];
        foreach (var p in path)
        {
            _pools.Advance(p, now);
            var services = _poolServices![p];
            services.Remove(id);
            _pools.Drain[p] = services.Count == 0 ? 0 : Math.Max(0, _pools.Drain[p] - HoldingDrainRate);
            ScheduleEmptyCheck(p, now);
        }
        // A policy that re-splits the budgets a service touches also re-splits when its drain stops.
        if ((_allocation.Trigger & ReallocationTrigger.ArrivalTouchedBudgets) != 0)
        {
            foreach (var p in path)
            {
                if (_groupOfPool[p] >= 0)
                {
                    Resplit(_groupOfPool[p], now);
                }
            }
        }
    }

    /// <summary>Holding variant: schedules the instant pool <paramref name="pool"/> runs dry at its current net rate, if it does.</summary>
    private void ScheduleEmptyCheck(int pool, long now)
    {
        if (_poolVersion is null)
        {
            return;
        }
        var version = ++_poolVersion[pool];
        var net = _pools.Rate[pool] - _pools.Drain[pool];
        if (net >= 0 || _poolServices![pool].Count == 0)
        {
            return;
        }
        if (TicksAfter(now, _pools.Level[pool] / -net, minimumTicks: 0) is { } at)
        {
            _agenda.Schedule(new SimTime(at), PriorityResplit, new NetworkEvent(EventKind.PoolEmpty, pool, version));
        }
    }
}
