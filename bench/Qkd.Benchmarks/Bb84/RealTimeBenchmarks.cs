using BenchmarkDotNet.Attributes;
using Qkd.Bb84.Link;

namespace Qkd.Benchmarks.Bb84;

/// <summary>
/// The simulator against the hardware's own clock: many seconds of link time (Turin: 600 MHz, 10.8 dB; GYS at
/// 50 km) on one thread (baseline) and on every core. The RealTime column is link seconds / measured seconds
/// (target >= 100); Pulses/s and Detections/s are the absolute throughput.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Bb84ColumnsConfig))]
public class RealTimeBenchmarks
{
    private SimulationSettings _settings = null!;

    [ParamsSource(nameof(LinkValues))]
    public string Link { get; set; } = "turin";

    public static IEnumerable<string> LinkValues => Bb84BenchmarkCases.Links;

    [GlobalSetup]
    public void Setup() => _settings = Bb84BenchmarkCases.Settings(Link, Bb84BenchmarkCases.RealTimeSeconds(Link));

    [Benchmark(Baseline = true)]
    public long OneThread() => LinkSimulator.Run(_settings, maxThreads: 1).Detections;

    [Benchmark]
    public long AllCores() => LinkSimulator.Run(_settings).Detections;
}
