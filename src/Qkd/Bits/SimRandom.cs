using System.Runtime.CompilerServices;

namespace Qkd.Bits;

/// <summary>
/// Seedable simulation randomness: xoshiro256** (Blackman and Vigna, "Scrambled linear
/// pseudorandom number generators", ACM TOMS 47(4), 2021) seeded through SplitMix64.
/// A mutable struct: pass it by <c>ref</c>. Never use it for key material: cryptographic
/// randomness is <see cref="System.Security.Cryptography.RandomNumberGenerator"/>, a different type
/// that cannot be confused with this one.
/// </summary>
/// <remarks>
/// Independent streams come from <see cref="ForStream"/>: stream k of seed s is seeded from
/// SplitMix64(s) mixed with k, so work split into numbered chunks gives the same result on any
/// number of threads.
/// </remarks>
public struct SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>The seed this generator (or its parent stream) was created from.</summary>
    public ulong Seed { get; }

    public SimRandom(ulong seed)
    {
        Seed = seed;
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1;
        }
    }

    /// <summary>An independent generator for numbered stream <paramref name="stream"/> of a seed.</summary>
    public static SimRandom ForStream(ulong seed, ulong stream)
    {
        var mixed = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
        var sm = mixed;
        var r = new SimRandom(SplitMix64(ref sm) ^ stream);
        return r;
    }

    /// <summary>Next 64 uniformly distributed bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitRotate(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in (0, 1], safe to take the logarithm of.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>One fair random bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextBit() => (long)NextUInt64() < 0;

    /// <summary>True with probability <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's method).</summary>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0)
        {
            return 0;
        }
        var x = NextUInt64();
        var m = Math.BigMul(x, bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, bound, out low);
            }
        }
        return m;
    }

    /// <summary>
    /// Number of failures before the first success of a Bernoulli(p) sequence (geometric on {0,1,...}),
    /// by inversion: floor(ln U / ln(1-p)). Used to jump over pulses that produce nothing.
    /// Returns <see cref="long.MaxValue"/> when p is 0.
    /// </summary>
    public long Geometric(double p)
    {
        if (p >= 1)
        {
            return 0;
        }
        if (p <= 0)
        {
            return long.MaxValue;
        }
        var g = Math.Floor(Math.Log(NextDoubleNonZero()) / Qkd.KeyRate.Numerics.Log1P(-p));
        return g >= long.MaxValue ? long.MaxValue : (long)g;
    }

    /// <summary>Poisson-distributed integer with mean <paramref name="mean"/> (inversion; intended for mean up to ~30).</summary>
    public int Poisson(double mean)
    {
        var u = NextDouble();
        var p = Math.Exp(-mean);
        var cumulative = p;
        var k = 0;
        while (u > cumulative && k < 1000)
        {
            k++;
            p *= mean / k;
            cumulative += p;
        }
        return k;
    }

    /// <summary>Fills a span with random 64-bit words.</summary>
    public void Fill(Span<ulong> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = NextUInt64();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
