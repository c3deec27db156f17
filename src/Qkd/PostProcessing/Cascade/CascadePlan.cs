using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// The public, key-independent part of a Cascade run that both parties derive identically: the variant, the
/// key length, the QBER estimate that sets the block sizes, and one shuffle (permutation) per pass drawn from
/// a public shuffle seed. Immutable and shareable across threads, so a session that reconciles many
/// equal-length blocks draws its permutations once.
/// </summary>
/// <remarks>
/// Pass 1 uses the identity order (the sifted key's errors are treated as independent; later passes shuffle),
/// passes 2.. use Fisher-Yates shuffles from <see cref="SimRandom.ForStream"/>(seed, pass). The permutations are
/// public information: they are not secret and need no cryptographic randomness, only agreement; reusing them
/// for several blocks reveals nothing about the keys because every block's errors are independent of them.
/// </remarks>
public sealed class CascadePlan
{
    private readonly CascadePass[] _passes;

    /// <summary>Builds the plan, drawing its own permutations.</summary>
    public CascadePlan(CascadeVariant variant, int length, double qberEstimate, ulong shuffleSeed)
        : this(variant, qberEstimate, new CascadeShuffles(length, shuffleSeed))
    {
    }

    /// <summary>Builds the plan on shared permutations (drawn once per key length and seed, reused by every block).</summary>
    public CascadePlan(CascadeVariant variant, double qberEstimate, CascadeShuffles shuffles)
    {
        Guard.NotNull(shuffles);
        var length = shuffles.Length;
        var shuffleSeed = shuffles.Seed;
        Variant = Guard.NotNull(variant);
        Length = (int)Guard.InRange(length, 2, 1 << 28);
        QberEstimate = Guard.InRange(qberEstimate, 0, 0.5, "");
        ShuffleSeed = shuffleSeed;
        var total = variant.Passes + (variant.BiconfStreak > 0 ? CascadeVariant.MaxBiconfRounds : 0);
        _passes = new CascadePass[total];
        for (var i = 0; i < total; i++)
        {
            var blockSize = variant.BlockSize(i + 1, qberEstimate, length);
            _passes[i] = new CascadePass(i, blockSize, length, i >= variant.Passes, i == 0 ? null : shuffles.Get(i));
        }
    }

    /// <summary>The Cascade variant.</summary>
    public CascadeVariant Variant { get; }

    /// <summary>Key length n [bits].</summary>
    public int Length { get; }

    /// <summary>QBER estimate used for the block sizes.</summary>
    public double QberEstimate { get; }

    /// <summary>Public seed of the shuffles.</summary>
    public ulong ShuffleSeed { get; }

    /// <summary>Number of normal passes.</summary>
    public int NormalPasses => Variant.Passes;

    /// <summary>Number of passes including the available BICONF rounds.</summary>
    public int TotalPasses => _passes.Length;

    /// <summary>Block size of 0-based pass <paramref name="pass"/>.</summary>
    public int BlockSize(int pass) => _passes[pass].BlockSize;

    internal CascadePass Pass(int pass) => _passes[pass];
}

/// <summary>One pass of a plan: block size, block count, permutation (position in pass order -> key index) and its inverse.</summary>
internal sealed class CascadePass
{
    public CascadePass(int index, int blockSize, int length, bool biconf, CascadeShuffle? shuffle)
    {
        var permutation = shuffle?.Permutation;
        Index = index;
        BlockSize = blockSize;
        Length = length;
        BlockCount = (length + blockSize - 1) / blockSize;
        IsBiconf = biconf;
        Permutation = permutation;
        Inverse = shuffle?.Inverse;
        FirstBlockMask = shuffle is not null && BlockCount <= 2 ? shuffle.FirstBlockMask(blockSize) : null;
        // Heap-numbered binary tree per block (root 1, children 2i and 2i+1, left half ceil(len/2)): its depth is
        // ceil(log2 len), so every id is below 2 * 2^ceil(log2 len).
        NodesPerBlock = 2 * (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)blockSize);
    }

    public int Index { get; }
    public int BlockSize { get; }
    public int Length { get; }
    public int BlockCount { get; }
    public bool IsBiconf { get; }
    public int[]? Permutation { get; }
    public int[]? Inverse { get; }
    public int NodesPerBlock { get; }

    /// <summary>
    /// For shuffled passes of at most two blocks: the key indices of block 0 as a mask over the key in its
    /// original order, so block parities need no permuted copy (popcount of key AND mask).
    /// </summary>
    public ulong[]? FirstBlockMask { get; }

    /// <summary>Parity of block <paramref name="block"/> computed on the key in original order (needs <see cref="FirstBlockMask"/>).</summary>
    public int BlockParityFromKey(ReadOnlySpan<ulong> key, int block)
    {
        var mask = FirstBlockMask!;
        ulong acc = 0;
        for (var w = 0; w < mask.Length; w++)
        {
            acc ^= key[w] & mask[w];
        }
        var first = System.Numerics.BitOperations.PopCount(acc) & 1;
        return block == 0 ? first : first ^ BitString.Parity(key);
    }

    /// <summary>Position of key bit <paramref name="keyIndex"/> in this pass's order.</summary>
    public int PositionOf(int keyIndex) => Inverse is null ? keyIndex : Inverse[keyIndex];

    /// <summary>destination[i] = source[Permutation[i]] on packed bits.</summary>
    public void Gather(ReadOnlySpan<ulong> source, Span<ulong> destination)
    {
        if (Permutation is null)
        {
            source.CopyTo(destination);
            return;
        }
        var perm = Permutation;
        var n = Length;
        var words = destination.Length;
        for (var w = 0; w < words; w++)
        {
            var baseIndex = w << 6;
            var count = Math.Min(64, n - baseIndex);
            ulong acc = 0;
            for (var b = 0; b < count; b++)
            {
                var p = perm[baseIndex + b];
                acc |= ((source[p >> 6] >> (p & 63)) & 1UL) << b;
            }
            destination[w] = acc;
        }
    }
}
