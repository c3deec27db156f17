using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// One symmetric blind round's choice of positions (Bob, up to 40 a frame): the count least reliable of the
/// N = 111,360 beliefs of a 10^5-bit frame (10 % excluded), vectorised bisection against the scalar histogram
/// reference (baseline; both give the same positions, <c>LdpcReliabilityTests</c>). Counts 16 and 160: a small round
/// and a full round of 0.02 n h(Q) at 1 %; N + 1 and an awkward 65 beliefs as well.
/// </summary>
[MemoryDiagnoser]
public class LdpcReliabilityBenchmarks
{
    private short[] _beliefs = null!;
    private byte[] _excluded = null!;
    private int[] _positions = null!;

    [Params(65, 111_360, 111_361)]
    public int Beliefs { get; set; }

    [Params(16, 160)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SimRandom(40);
        _beliefs = new short[Beliefs];
        _excluded = new byte[Beliefs];
        for (var i = 0; i < Beliefs; i++)
        {
            _beliefs[i] = (short)((long)random.NextBelow(1200) - 200);
            _excluded[i] = random.Bernoulli(0.1) ? (byte)1 : (byte)0;
        }
        _positions = new int[Count];
    }

    [Benchmark(Baseline = true)]
    public int Histogram() => LdpcReliability.LeastReliableReference(_beliefs, _excluded, _positions);

    [Benchmark]
    public int Bisection() => LdpcReliability.LeastReliable(_beliefs, _excluded, _positions);
}
