using System.Buffers;
using System.Runtime.CompilerServices;

namespace Qkd.PostProcessing;

/// <summary>
/// What Bob knows about one Cascade pass: his key in the pass's order, and per block a heap-numbered binary tree
/// (root 1, children 2i and 2i+1, left half ceil(len/2)) of the ranges whose Alice parity he has learned
/// ("known") and whether his own parity of each differs ("mismatch"), plus which blocks have a search open.
/// A flip of one key bit toggles the mismatch of every known range on the path to that bit (<see cref="Flip"/>):
/// O(depth), no parity recomputed.
/// </summary>
/// <remarks>
/// Buffers come from the caller's pool (a run-scoped pool in the pipeline, so many blocks in flight reuse them)
/// and go back in <see cref="Release"/>; the pass-ordered copy of the key is wiped first.
/// </remarks>
internal sealed class CascadePassState
{
    private readonly ArrayPool<ulong> _pool;
    private readonly bool _ownsCopy;
    private ulong[] _known;
    private ulong[] _mismatch;
    private ulong[] _active;

    /// <summary>
    /// Opens pass <paramref name="pass"/>: <paramref name="copy"/> is Bob's key in this pass's order (null: none yet,
    /// block parities come from <see cref="CascadePass.FirstBlockMask"/>). For a shuffled pass the copy is this
    /// state's own (kept in step by <see cref="Flip"/>, wiped by <see cref="Release"/>); for the identity pass it is
    /// Bob's key itself.
    /// </summary>
    public CascadePassState(CascadePass pass, ulong[]? copy, ArrayPool<ulong> pool)
    {
        Pass = pass;
        Copy = copy;
        _ownsCopy = pass.Permutation is not null;
        _pool = pool;
        var words = (pass.BlockCount * pass.NodesPerBlock + 63) >> 6;
        _known = pool.Rent(Math.Max(1, words));
        _mismatch = pool.Rent(Math.Max(1, words));
        Array.Clear(_known, 0, words);
        // Mismatch bits are meaningful only where the known bit is set, and every Set writes both: no clearing.
        var activeWords = (pass.BlockCount + 63) >> 6;
        _active = pool.Rent(Math.Max(1, activeWords));
        Array.Clear(_active, 0, activeWords);
    }

    public CascadePass Pass { get; }

    /// <summary>Bob's key in the pass's order (null until gathered, or for passes that need none).</summary>
    public ulong[]? Copy { get; private set; }

    /// <summary>The key in the pass's order, gathered from Bob's current <paramref name="key"/> on first use.</summary>
    public ulong[] EnsureCopy(ReadOnlySpan<ulong> key)
    {
        if (Copy is null)
        {
            Copy = _pool.Rent(Math.Max(1, key.Length));
            Pass.Gather(key, Copy.AsSpan(0, key.Length));
        }
        return Copy;
    }

    /// <summary>Whether block <paramref name="block"/> has a search open (or queued).</summary>
    public bool IsActive(int block) => ((_active[block >> 6] >> (block & 63)) & 1UL) != 0;

    public void SetActive(int block, bool value)
    {
        var bit = 1UL << (block & 63);
        if (value)
        {
            _active[block >> 6] |= bit;
        }
        else
        {
            _active[block >> 6] &= ~bit;
        }
    }

    /// <summary>Tree node <paramref name="index"/> (block * NodesPerBlock + node) has a known Alice parity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsKnown(int index) => ((_known[index >> 6] >> (index & 63)) & 1UL) != 0;

    /// <summary>Bob's parity of node <paramref name="index"/> differs from Alice's (meaningful when known).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMismatch(int index) => ((_mismatch[index >> 6] >> (index & 63)) & 1UL) != 0;

    /// <summary>Records that node <paramref name="index"/> is known, with the given mismatch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(int index, bool mismatch)
    {
        var bit = 1UL << (index & 63);
        _known[index >> 6] |= bit;
        if (mismatch)
        {
            _mismatch[index >> 6] |= bit;
        }
        else
        {
            _mismatch[index >> 6] &= ~bit;
        }
    }

    /// <summary>
    /// Bob flipped the key bit at position <paramref name="u"/> of this pass's order: flips it in the copy and
    /// toggles the mismatch of every known range containing it. Returns the smallest range (node, start, length)
    /// now mismatched where a search may restart (any node with subblock reuse, else only the root), or node 0.
    /// </summary>
    public int Flip(int u, bool reuse, out int bestStart, out int bestLength)
    {
        if (Copy is { } copy && _ownsCopy)
        {
            copy[u >> 6] ^= 1UL << (u & 63);
        }
        var pass = Pass;
        var block = u / pass.BlockSize;
        var baseIndex = block * pass.NodesPerBlock;
        var start = block * pass.BlockSize;
        var length = Math.Min(pass.BlockSize, pass.Length - start);
        var node = 1;
        int bestNode = 0;
        bestStart = 0;
        bestLength = 0;
        while (true)
        {
            var index = baseIndex + node;
            if (!IsKnown(index))
            {
                break;
            }
            _mismatch[index >> 6] ^= 1UL << (index & 63);
            if (IsMismatch(index) && (reuse || node == 1))
            {
                bestNode = node;
                bestStart = start;
                bestLength = length;
            }
            if (length == 1)
            {
                break;
            }
            var leftLength = (length + 1) >> 1;
            if (u < start + leftLength)
            {
                node *= 2;
                length = leftLength;
            }
            else
            {
                node = 2 * node + 1;
                start += leftLength;
                length -= leftLength;
            }
        }
        return bestNode;
    }

    /// <summary>Wipes the owned key copy and returns every buffer to the pool.</summary>
    public void Release()
    {
        if (Copy is { } copy && _ownsCopy)
        {
            Array.Clear(copy);
            _pool.Return(copy);
        }
        Copy = null;
        _pool.Return(_known);
        _pool.Return(_mismatch);
        _pool.Return(_active);
        _known = _mismatch = _active = [];
    }
}
