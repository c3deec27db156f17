using BenchmarkDotNet.Attributes;
using Qkd.Bb84.Link;

namespace Qkd.Benchmarks.Bb84;

/// <summary>
/// Gap sampling against the naive per-pulse simulation of the same pulses (same link, seed and settings):
/// the Ratio column is the speed-up of simulating in proportion to clicks rather than pulses.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Bb84ColumnsConfig))]
public class LinkSimulatorBenchmarks
{
    private SimulationSettings _settings = null!;

    [ParamsSource(nameof(LinkValues))]
    public string Link { get; set; } = "turin";

    public static IEnumerable<string> LinkValues => Bb84BenchmarkCases.Links;

    [GlobalSetup]
    public void Setup() => _settings = Bb84BenchmarkCases.Settings(Link, Bb84BenchmarkCases.HeadToHeadSeconds(Link));

    [Benchmark(Baseline = true)]
    public long PerPulse() => LinkSimulator.RunPerPulse(_settings).Detections;

    [Benchmark]
    public long GapSampled() => LinkSimulator.Run(_settings).Detections;
}
