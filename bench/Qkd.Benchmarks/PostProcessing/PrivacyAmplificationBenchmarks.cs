using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.PostProcessing;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// Toeplitz privacy amplification of 10^6 bits to 5x10^5 (and an awkward (2^20 + 1) to 2^19 + 3), fast path with
/// the hardware carry-less multiply against the same algorithm on the portable multiply (baseline).
/// Target: at most 10 ms per 10^6-bit block per core (issue 4).
/// </summary>
[MemoryDiagnoser]
public class PrivacyAmplificationBenchmarks
{
    private BitString _seed = null!;
    private BitString _input = null!;

    [Params(1_000_000, (1 << 20) + 1)]
    public int InputBits { get; set; }

    public int OutputBits => InputBits == 1_000_000 ? 500_000 : (1 << 19) + 3;

    [GlobalSetup]
    public void Setup()
    {
        var random = new SimRandom(7);
        _input = BitString.Random(InputBits, ref random);
        _seed = BitString.Random(ToeplitzHash.SeedBits(InputBits, OutputBits), ref random);
    }

    [Benchmark(Baseline = true)]
    public BitString PortableMultiply() => ToeplitzHash.Hash(_seed, _input, OutputBits, useHardware: false);

    [Benchmark]
    public BitString CarrylessHardware() => ToeplitzHash.Hash(_seed, _input, OutputBits, useHardware: true);
}
