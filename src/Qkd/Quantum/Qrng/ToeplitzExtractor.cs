using System.Numerics;
using Qkd.Bits;

namespace Qkd.Quantum.Qrng;

/// <summary>
/// Randomness extractor y = T x over GF(2) with an m x n Toeplitz matrix T[i, j] = s[i - j + n - 1]
/// defined by n + m - 1 seed bits s: a two-universal hash family (Krawczyk, CRYPTO 1994), so by the
/// leftover hash lemma (Impagliazzo, Levin, Luby, STOC 1989) an input block with min-entropy k gives
/// m = floor(k - 2 log2(1/epsilon)) bits within statistical distance epsilon of uniform. The seed may
/// be public but must be independent of the source. Applied to a QRNG as in Ma et al., npj Quantum
/// Inf. 2, 16021 (2016), Sec. "Randomness extraction".
/// </summary>
public sealed class ToeplitzExtractor
{
    private readonly ulong[] _reversedSeed;

    /// <summary>Input length n [bits].</summary>
    public int InputBits { get; }

    /// <summary>Output length m [bits].</summary>
    public int OutputBits { get; }

    /// <summary>Builds the extractor from n + m - 1 seed bits.</summary>
    public ToeplitzExtractor(int inputBits, int outputBits, BitString seed)
    {
        InputBits = (int)Guard.InRange(inputBits, 1, 1 << 24, "Toeplitz input bits");
        OutputBits = (int)Guard.InRange(outputBits, 1, inputBits, "Toeplitz output bits");
        Guard.NotNull(seed);
        Guard.SameLength(seed.Length, inputBits + outputBits - 1, "Toeplitz seed bits and n + m - 1");
        // Row i of T is bits r[m-1-i .. m-1-i+n-1] of the reversed seed r[k] = s[L-1-k].
        var length = seed.Length;
        var reversed = new BitString(length);
        for (var k = 0; k < length; k++)
        {
            reversed[k] = seed[length - 1 - k];
        }
        _reversedSeed = new ulong[reversed.Words.Length + 1];
        reversed.Words.CopyTo(_reversedSeed);
    }

    /// <summary>
    /// Output length the leftover hash lemma allows: m = floor(k - 2 log2(1/epsilon)) for an input of
    /// min-entropy k [bits] and security parameter epsilon = 2^-securityBits; 0 when negative.
    /// </summary>
    public static int OutputLength(double inputMinEntropyBits, int securityBits)
    {
        Guard.NonNegative(inputMinEntropyBits, "bits", "Input min-entropy");
        Guard.InRange(securityBits, 1, 1024, "security bits");
        return (int)Math.Max(0, Math.Floor(inputMinEntropyBits - 2.0 * securityBits));
    }

    /// <summary>Computes y = T x: <paramref name="input"/> holds n bits packed (tail zero), <paramref name="output"/> receives m bits.</summary>
    public void Extract(ReadOnlySpan<ulong> input, Span<ulong> output)
    {
        var inWords = BitString.WordCount(InputBits);
        if (input.Length < inWords || output.Length < BitString.WordCount(OutputBits))
        {
            throw new ArgumentException($"Toeplitz extraction needs {inWords} input words and {BitString.WordCount(OutputBits)} output words, but got {input.Length} and {output.Length}.");
        }
        output[..BitString.WordCount(OutputBits)].Clear();
        var tailBits = InputBits & 63;
        var tailMask = tailBits == 0 ? ulong.MaxValue : (1UL << tailBits) - 1;
        for (var i = 0; i < OutputBits; i++)
        {
            var offset = OutputBits - 1 - i;
            var word = offset >> 6;
            var shift = offset & 63;
            ulong acc = 0;
            for (var w = 0; w < inWords; w++)
            {
                var lo = _reversedSeed[word + w] >> shift;
                var hi = shift == 0 ? 0 : _reversedSeed[word + w + 1] << (64 - shift);
                var row = lo | hi;
                if (w == inWords - 1)
                {
                    row &= tailMask;
                }
                acc ^= row & input[w];
            }
            if ((BitOperations.PopCount(acc) & 1) != 0)
            {
                output[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>The reference definition, bit by bit: y_i = XOR_j s[i - j + n - 1] x_j. For tests.</summary>
    public static BitString ExtractReference(BitString seed, BitString input, int outputBits)
    {
        var n = input.Length;
        var y = new BitString(outputBits);
        for (var i = 0; i < outputBits; i++)
        {
            var bit = false;
            for (var j = 0; j < n; j++)
            {
                bit ^= seed[i - j + n - 1] & input[j];
            }
            y[i] = bit;
        }
        return y;
    }
}
