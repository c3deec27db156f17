using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.Physics;

namespace Qkd.Benchmarks.KeyRate;

/// <summary>
/// Key-rate evaluations: one model evaluation at fixed mu, one with mu optimised, and the full sweep the `sweep`
/// command runs (3 curves x 201 distances, mu optimised at each, plus each curve's maximum distance).
/// Baseline: the bare channel statistics (gain and QBER) of one point. Target: full sweep well under 100 ms on one core.
/// </summary>
[MemoryDiagnoser]
public class KeyRateBenchmarks
{
    private LinkDescription _link = null!;
    private IKeyRateModel _model = null!;
    private ImmutableArray<double> _distances;

    /// <summary>The model measured.</summary>
    [Params("decoy-vacuum-weak", "decoy-one-finite", "gllp")]
    public string Model { get; set; } = "decoy-vacuum-weak";

    [GlobalSetup]
    public void Setup()
    {
        _link = LinkPresets.Gys(50);
        _model = KeyRateModels.Get(Model);
        _distances = KeyRateSweep.Distances(0, 200, 1);
    }

    /// <summary>Gain and QBER of one point (the physics every model starts from).</summary>
    [Benchmark(Baseline = true)]
    public double ChannelStatisticsOnePoint()
        => ChannelStatistics.Gain(_link, 0.48) + ChannelStatistics.Qber(_link, 0.48);

    /// <summary>One model evaluation at fixed mu.</summary>
    [Benchmark]
    public double EvaluateFixedMu() => _model.Evaluate(_link, 0.3).RawKeyRatePerPulse;

    /// <summary>One point with mu optimised by golden-section search.</summary>
    [Benchmark]
    public double EvaluateOptimisedMu() => KeyRateAnalysis.OptimalPoint(_model, _link).RawKeyRatePerPulse;

    /// <summary>Maximum distance (bisection over optimised points).</summary>
    [Benchmark]
    public double MaxDistance() => KeyRateAnalysis.MaxDistanceKm(_model, _link);

    /// <summary>The `sweep` command's work: 3 curves x 201 distances, mu optimised, with maximum distances.</summary>
    [Benchmark]
    public int FullSweep3x201()
        => KeyRateSweep.Vary(_model, _link, _distances, null, "detector-efficiency", [0.045, 0.1, 0.2]).Length;
}
