using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// The box-plus decoder kernel at both vector widths: 10 layered iterations of a mother code of 10^5-bit frames
/// (rate 0.88; rate 0.92 is the code the 1 % plan uses: 19 base rows of degree 68-69, 624,480 edges) on a frame that
/// does not decode within them (BSC 3 %), so every call does the same work, with 16-bit check messages or the 8-bit
/// ones Bob uses (<see cref="Narrow"/>; Z = 480: 64-lane blocks in pairs then a 32-lane block). Time per iteration =
/// Mean / 10 (it includes the per-iteration hard decisions and stopping test, as in a frame); per edge = that / edges.
/// Baseline: Vector256. The decisions are the same at both widths (<c>LdpcDecoderTests.Vectorised_EqualsScalarReference_BitForBit</c>).
/// </summary>
[MemoryDiagnoser]
public class LdpcDecoderBenchmarks
{
    private const int Iterations = 10;
    private LdpcDecoder _decoder = null!;
    private short[] _channel = null!;
    private byte[] _syndrome = null!;
    private byte[] _decided = null!;

    [Params(0.88, 0.92)]
    public double Rate { get; set; }

    /// <summary>8-bit check messages (Bob's default kernel) instead of 16-bit ones.</summary>
    [Params(false, true)]
    public bool Narrow { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var index = (int)Math.Round((Rate - LdpcCodeBook.LowestRate) / LdpcOptions.Default.RateStep);
        var code = LdpcCodeBook.Get(100_000, index, LdpcOptions.Default);
        _decoder = new LdpcDecoder(code) { NarrowLanes = Narrow };
        var random = new SimRandom(88);
        var llr = (short)Math.Round(Math.Log(0.97 / 0.03) * LdpcDecoder.LlrScale);
        _channel = new short[code.Length];
        var x = new byte[code.Length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = random.NextBit() ? (byte)1 : (byte)0;
            _channel[i] = (x[i] ^ (random.Bernoulli(0.03) ? 1 : 0)) == 1 ? (short)-llr : llr;
        }
        _syndrome = new byte[code.Checks];
        code.Syndrome(x, _syndrome);
        _decided = new byte[code.Length];
    }

    private int Decode(bool wide)
    {
        _decoder.UseVector512 = wide;
        _decoder.Load(_channel, _syndrome);
        _decoder.Run(_decided, Iterations, 1.0, rule: LdpcCheckRule.BoxPlus);
        return _decoder.LastIterations;
    }

    [Benchmark(Baseline = true)]
    public int BoxPlusVector256() => Decode(false);

    [Benchmark]
    public int BoxPlusVector512() => Decode(true);
}
