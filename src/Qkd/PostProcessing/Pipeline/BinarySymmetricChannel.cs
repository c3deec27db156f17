using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// Correlated test keys: Alice's bits uniformly random, Bob's equal to them except that each bit is flipped
/// independently with probability q (a binary symmetric channel BSC(q), Shannon 1948). Seeded simulation
/// randomness: for tests, benchmarks and <c>qkd postprocess</c>, never for real key.
/// </summary>
public static class BinarySymmetricChannel
{
    /// <summary>Flips each bit of <paramref name="key"/> with probability <paramref name="qber"/>; returns the number flipped.</summary>
    /// <remarks>Jumps between flips with geometric gaps (inversion), so the cost is O(q n) draws, not O(n).</remarks>
    public static int Apply(BitString key, double qber, ref SimRandom random)
    {
        Guard.NotNull(key);
        Guard.Probability(qber);
        var flips = 0;
        long i = random.Geometric(qber);
        while (i < key.Length)
        {
            key.Flip((int)i);
            flips++;
            i += 1 + random.Geometric(qber);
        }
        return flips;
    }

    /// <summary><paramref name="runs"/> blocks of <paramref name="bits"/> bits; block r uses stream r of <paramref name="seed"/>.</summary>
    public static IReadOnlyList<SiftedBlock> Blocks(int bits, double qber, int runs, ulong seed)
    {
        Guard.InRange(bits, 1, 1 << 26);
        Guard.InRange(runs, 1, 1 << 20);
        var blocks = new SiftedBlock[runs];
        for (var r = 0; r < runs; r++)
        {
            var random = SimRandom.ForStream(seed, (ulong)r);
            var alice = BitString.Random(bits, ref random);
            var bob = alice.Clone();
            Apply(bob, qber, ref random);
            blocks[r] = new SiftedBlock(alice, bob);
        }
        return blocks;
    }
}
