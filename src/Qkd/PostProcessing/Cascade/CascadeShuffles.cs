using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// The public shuffles of Cascade for one key length and seed: permutation k is a Fisher-Yates shuffle driven by
/// <see cref="SimRandom.ForStream"/>(seed, k), drawn on first use and then shared (thread-safe) by every plan
/// and block of that length.
/// </summary>
public sealed class CascadeShuffles
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, CascadeShuffle> _shuffles = [];

    /// <summary>Shuffles of <paramref name="length"/>-bit keys from public seed <paramref name="seed"/>.</summary>
    public CascadeShuffles(int length, ulong seed)
    {
        Length = (int)Guard.InRange(length, 2, 1 << 26);
        Seed = seed;
    }

    /// <summary>Key length [bits].</summary>
    public int Length { get; }

    /// <summary>Public shuffle seed.</summary>
    public ulong Seed { get; }

    internal CascadeShuffle Get(int pass)
    {
        lock (_gate)
        {
            if (!_shuffles.TryGetValue(pass, out var shuffle))
            {
                shuffle = new CascadeShuffle(Length, Seed, (ulong)pass);
                _shuffles[pass] = shuffle;
            }
            return shuffle;
        }
    }
}

/// <summary>One permutation (pass position to key index) and its inverse.</summary>
internal sealed class CascadeShuffle
{
    public CascadeShuffle(int n, ulong seed, ulong stream)
    {
        var random = SimRandom.ForStream(seed, stream);
        var perm = new int[n];
        for (var i = 0; i < n; i++)
        {
            perm[i] = i;
        }
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)random.NextBelow((ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        var inverse = new int[n];
        for (var i = 0; i < n; i++)
        {
            inverse[perm[i]] = i;
        }
        Permutation = perm;
        Inverse = inverse;
    }

    public int[] Permutation { get; }

    public int[] Inverse { get; }

    private readonly Lock _gate = new();
    private readonly Dictionary<int, ulong[]> _masks = [];

    /// <summary>Key indices of positions [0, blockSize) of this order, as a packed mask over the key (cached).</summary>
    public ulong[] FirstBlockMask(int blockSize)
    {
        lock (_gate)
        {
            if (!_masks.TryGetValue(blockSize, out var mask))
            {
                mask = new ulong[(Permutation.Length + 63) >> 6];
                for (var i = 0; i < blockSize; i++)
                {
                    var k = Permutation[i];
                    mask[k >> 6] |= 1UL << (k & 63);
                }
                _masks[blockSize] = mask;
            }
            return mask;
        }
    }
}
