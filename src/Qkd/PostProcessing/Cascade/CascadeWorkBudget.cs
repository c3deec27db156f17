namespace Qkd.PostProcessing;

/// <summary>
/// Bob's bounded work under forged parities: a budget of search steps, query messages and corrections that no honest
/// run exhausts. Forged parities (which the transcript tag rejects only at the end of the block) can make the local
/// cascade of corrections cycle without asking Alice anything; running out of budget throws
/// <see cref="ExceededException"/>, which <see cref="CascadeBob"/> turns into <see cref="CascadeBob.Diverged"/>.
/// </summary>
internal sealed class CascadeWorkBudget
{
    private readonly int _bits;
    private long _stepsLeft;

    public CascadeWorkBudget(int bits, int passes)
    {
        _bits = bits;
        WorkBound = WorkBoundFor(bits, passes);
        MaxQueryMessages = (bits + passes + 1L) * (System.Numerics.BitOperations.Log2((uint)Math.Max(1, bits - 1)) + 1 + 2);
        _stepsLeft = WorkBound;
    }

    /// <summary>
    /// The most search steps (one binary-search level of one block, one answer read, one pass revisited after a flip)
    /// Bob performs before he gives up: 4 (n + 64) P (ceil(log2 n) + 2) for n bits and P passes. An honest run cannot
    /// reach it: every search starts from a block whose top parity differs (at most n per pass), a flip (at most one per
    /// error, at most n, each reopening at most one block per pass) or a search abandoned after such a flip, and each
    /// descends at most ceil(log2 n) + 1 levels, so an honest run takes at most 3 n P (ceil(log2 n) + 2) steps.
    /// </summary>
    public long WorkBound { get; }

    /// <summary>
    /// The most query messages Bob sends: (n + P + 1) (ceil(log2 n) + 2). In an honest run every round of binary
    /// searches (at most ceil(log2 n) + 1 query messages) ends in at least one flip, the start of a pass or a BICONF
    /// round, and flips are at most n.
    /// </summary>
    public long MaxQueryMessages { get; }

    /// <summary><see cref="WorkBound"/> for a key of <paramref name="bits"/> bits and <paramref name="passes"/> passes.</summary>
    public static long WorkBoundFor(int bits, int passes) =>
        4L * (bits + 64) * Math.Max(1, passes) * (System.Numerics.BitOperations.Log2((uint)Math.Max(1, bits - 1)) + 1 + 2);

    /// <summary>One unit of search work.</summary>
    public void Step()
    {
        if (--_stepsLeft < 0)
        {
            throw new ExceededException();
        }
    }

    /// <summary>Before sending query message number <paramref name="sent"/> + 1.</summary>
    public void CheckQuery(int sent)
    {
        if (sent >= MaxQueryMessages)
        {
            throw new ExceededException();
        }
    }

    /// <summary>
    /// Before correction number <paramref name="made"/> + 1: every honest flip corrects a bit that differs from Alice's,
    /// so an honest run flips at most n bits; more means forged parities are flipping bits back and forth.
    /// </summary>
    public void CheckCorrection(long made)
    {
        if (made >= _bits)
        {
            throw new ExceededException();
        }
    }

    /// <summary>Unwinds Bob's search loops when the budget is exhausted (caught in <see cref="CascadeBob.Receive"/>).</summary>
    public sealed class ExceededException : Exception;
}
