using Qkd.Testbed.Link;

namespace Qkd.Testbed.Observation;

/// <summary>
/// Everything the testbed shows while it runs, in one thread-safe place: link slices and blocks (from the live links),
/// pool levels, gateway counters and the last readings (from the composition's sampler). The dashboard reads
/// increments of it (<see cref="Since"/>); the report reads it whole at the end.
/// </summary>
public sealed class TestbedMonitor(TestbedDescription description) : ILinkObserver
{
    /// <summary>Readings the dashboard keeps (the most recent).</summary>
    public const int ReadingsShown = 300;

    private readonly Lock _gate = new();
    private readonly List<LinkSecond> _slices = [];
    private readonly List<BlockRecord> _blocks = [];
    private readonly List<PoolSample> _pools = [];
    private readonly List<TrafficSample> _traffic = [];
    private IReadOnlyList<Reading> _readings = [];
    private IReadOnlyList<SchemeComparison> _schemes = [];
    private string _phase = "starting";
    private double? _detectedAtRunSeconds;
    private bool _alarm;

    public TestbedDescription Description { get; } = description;

    /// <summary>Raised after every change (from the thread that made it).</summary>
    public event Action? Changed;

    /// <summary>"starting", "running", "draining" or "finished".</summary>
    public string Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <summary>Whether the live alarm is raised now (the last slice of any link).</summary>
    public bool Alarm
    {
        get
        {
            lock (_gate)
            {
                return _alarm;
            }
        }
    }

    /// <summary>Run time at which the attacker was first detected (live alarm or rejected block while she was on) [s]; null if never.</summary>
    public double? DetectedAtRunSeconds
    {
        get
        {
            lock (_gate)
            {
                return _detectedAtRunSeconds;
            }
        }
    }

    public IReadOnlyList<LinkSecond> Slices => Copy(_slices);
    public IReadOnlyList<BlockRecord> Blocks => Copy(_blocks);
    public IReadOnlyList<PoolSample> Pools => Copy(_pools);
    public IReadOnlyList<TrafficSample> Traffic => Copy(_traffic);

    public IReadOnlyList<Reading> Readings
    {
        get
        {
            lock (_gate)
            {
                return _readings;
            }
        }
    }

    /// <summary>Whether the attacker is on at run time <paramref name="runSeconds"/>.</summary>
    public bool EveOnAt(double runSeconds) => Description.Eavesdropper is { } e && runSeconds >= e.AtSeconds && runSeconds < (e.UntilSeconds ?? double.PositiveInfinity);

    public void OnSlice(LinkSecond slice)
    {
        lock (_gate)
        {
            _slices.Add(slice);
            _alarm = _slices.Count > 0 && LastAlarm();
            if (slice.Alarm && EveOnAt(slice.RunSeconds))
            {
                _detectedAtRunSeconds ??= slice.RunSeconds;
            }
        }
        Changed?.Invoke();
    }

    public void OnBlock(BlockRecord block)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_gate)
        {
            _blocks.Add(block);
            if (block.Outcome == BlockRecord.Rejected && block.EveShare > 0)
            {
                _detectedAtRunSeconds ??= block.RunSeconds;
            }
        }
        Changed?.Invoke();
    }

    public void AddPool(PoolSample sample)
    {
        lock (_gate)
        {
            _pools.Add(sample);
        }
        Changed?.Invoke();
    }

    public void AddTraffic(TrafficSample sample)
    {
        lock (_gate)
        {
            _traffic.Add(sample);
        }
        Changed?.Invoke();
    }

    public void SetReadings(IReadOnlyList<Reading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        lock (_gate)
        {
            _readings = readings.Count > ReadingsShown ? [.. readings.Skip(readings.Count - ReadingsShown)] : readings;
        }
        Changed?.Invoke();
    }

    /// <summary>Seed 003's two schemes side by side as measured so far (the run's own) and modelled (the other).</summary>
    public IReadOnlyList<SchemeComparison> Schemes
    {
        get
        {
            lock (_gate)
            {
                return _schemes;
            }
        }
    }

    public void SetSchemes(IReadOnlyList<SchemeComparison> schemes)
    {
        ArgumentNullException.ThrowIfNull(schemes);
        lock (_gate)
        {
            _schemes = schemes;
        }
        Changed?.Invoke();
    }

    public void SetPhase(string phase)
    {
        lock (_gate)
        {
            _phase = phase;
        }
        Changed?.Invoke();
    }

    /// <summary>What changed since <paramref name="cursor"/> (new slices, blocks, pool and traffic samples; the current readings and state).</summary>
    public (TestbedUpdate Update, TestbedCursor Next) Since(TestbedCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        lock (_gate)
        {
            var next = new TestbedCursor(_slices.Count, _blocks.Count, _pools.Count, _traffic.Count);
            var update = new TestbedUpdate(_phase, _alarm, _detectedAtRunSeconds,
                _slices.GetRange(cursor.Slices, next.Slices - cursor.Slices),
                _blocks.GetRange(cursor.Blocks, next.Blocks - cursor.Blocks),
                _pools.GetRange(cursor.Pools, next.Pools - cursor.Pools),
                _traffic.GetRange(cursor.Traffic, next.Traffic - cursor.Traffic),
                _readings, _schemes);
            return (update, next);
        }
    }

    private bool LastAlarm()
    {
        var seen = new HashSet<string>();
        for (var i = _slices.Count - 1; i >= 0 && seen.Count < Description.Links.Count; i--)
        {
            if (seen.Add(_slices[i].LinkId) && _slices[i].Alarm)
            {
                return true;
            }
        }
        return false;
    }

    private IReadOnlyList<T> Copy<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}

/// <summary>How much of the monitor a reader has seen.</summary>
public sealed record TestbedCursor(int Slices, int Blocks, int Pools, int Traffic)
{
    public static TestbedCursor Start { get; } = new(0, 0, 0, 0);
}

/// <summary>One increment for a dashboard: the state now and what is new since the reader's cursor.</summary>
public sealed record TestbedUpdate(string Phase, bool Alarm, double? DetectedAtRunSeconds, IReadOnlyList<LinkSecond> Slices, IReadOnlyList<BlockRecord> Blocks,
    IReadOnlyList<PoolSample> Pools, IReadOnlyList<TrafficSample> Traffic, IReadOnlyList<Reading> Readings, IReadOnlyList<SchemeComparison> Schemes);
