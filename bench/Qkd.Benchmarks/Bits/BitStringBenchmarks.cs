using BenchmarkDotNet.Attributes;
using Qkd.Bits;

namespace Qkd.Benchmarks;

/// <summary>Range parity on packed words against a bit-by-bit baseline, at an awkward size.</summary>
[MemoryDiagnoser]
public class BitStringBenchmarks
{
    private BitString _bits = null!;

    [Params((1 << 20) + 1)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SimRandom(42);
        _bits = BitString.Random(Bits, ref random);
    }

    [Benchmark(Baseline = true)]
    public int ParityBitByBit()
    {
        var p = 0;
        for (var i = 3; i < Bits - 5; i++)
        {
            p ^= _bits[i] ? 1 : 0;
        }
        return p;
    }

    [Benchmark]
    public int ParityPacked() => _bits.Parity(3, Bits - 8);
}
