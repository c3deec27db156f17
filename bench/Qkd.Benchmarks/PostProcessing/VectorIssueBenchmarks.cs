using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// How fast this core issues the vector instructions the LDPC kernel is made of: 8 independent chains of 1,000
/// unsigned byte minimums (the box-plus kernel's commonest instruction) on 256-bit and on 512-bit vectors, and of
/// 1,000 byte permutes (its correction-table lookup, AVX-512 VBMI). Time per instruction = Mean / 8,000. Baseline:
/// 256-bit. Where a core executes a 512-bit instruction as two 256-bit halves, <see cref="Min512"/> takes about twice
/// the baseline's time; at full width about the same, and then a kernel of N vector instructions per 64 lanes cannot
/// run faster than N such instruction times per 64 edges (docs/postprocessing.md, section 7, "Why 30 Mbit/s").
/// </summary>
public class VectorIssueBenchmarks
{
    private const int Steps = 1_000;

    [Benchmark(Baseline = true)]
    public Vector256<byte> Min256() => Chains<Vector256<byte>, Min256Step>(Vector256.Create((byte)3));

    [Benchmark]
    public Vector512<byte> Min512() => Chains<Vector512<byte>, Min512Step>(Vector512.Create((byte)3));

    [Benchmark]
    public Vector512<byte> Permute512() => Avx512Vbmi.IsSupported ? Chains<Vector512<byte>, Permute512Step>(Vector512.Create((byte)3)) : Vector512<byte>.Zero;

    /// <summary>One instruction of a chain: the JIT compiles <see cref="Chains{T, TStep}"/> once per step type, inlined.</summary>
    private interface IStep<T>
    {
        static abstract T Apply(T chain, T x);

        static abstract T Start(T x, byte k);

        static abstract T Mix(T a, T b);
    }

    private readonly struct Min256Step : IStep<Vector256<byte>>
    {
        public static Vector256<byte> Apply(Vector256<byte> chain, Vector256<byte> x) => Vector256.Min(chain, x);

        public static Vector256<byte> Start(Vector256<byte> x, byte k) => x + Vector256.Create(k);

        public static Vector256<byte> Mix(Vector256<byte> a, Vector256<byte> b) => a ^ b;
    }

    private readonly struct Min512Step : IStep<Vector512<byte>>
    {
        public static Vector512<byte> Apply(Vector512<byte> chain, Vector512<byte> x) => Vector512.Min(chain, x);

        public static Vector512<byte> Start(Vector512<byte> x, byte k) => x + Vector512.Create(k);

        public static Vector512<byte> Mix(Vector512<byte> a, Vector512<byte> b) => a ^ b;
    }

    private readonly struct Permute512Step : IStep<Vector512<byte>>
    {
        public static Vector512<byte> Apply(Vector512<byte> chain, Vector512<byte> x) => Avx512Vbmi.PermuteVar64x8(x, chain);

        public static Vector512<byte> Start(Vector512<byte> x, byte k) => x + Vector512.Create(k);

        public static Vector512<byte> Mix(Vector512<byte> a, Vector512<byte> b) => a ^ b;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Chains<T, TStep>(T x) where TStep : struct, IStep<T>
    {
        var (a, b, c, d) = (TStep.Start(x, 0), TStep.Start(x, 1), TStep.Start(x, 2), TStep.Start(x, 3));
        var (e, f, g, h) = (TStep.Start(x, 4), TStep.Start(x, 5), TStep.Start(x, 6), TStep.Start(x, 7));
        for (var i = 0; i < Steps; i++)
        {
            a = TStep.Apply(a, x); b = TStep.Apply(b, x); c = TStep.Apply(c, x); d = TStep.Apply(d, x);
            e = TStep.Apply(e, x); f = TStep.Apply(f, x); g = TStep.Apply(g, x); h = TStep.Apply(h, x);
        }
        return TStep.Mix(TStep.Mix(TStep.Mix(a, b), TStep.Mix(c, d)), TStep.Mix(TStep.Mix(e, f), TStep.Mix(g, h)));
    }
}
