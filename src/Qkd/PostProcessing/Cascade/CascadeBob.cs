using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// Bob's side of Cascade: he holds the noisy key, asks Alice for parities and corrects his key in place.
/// Message-driven (<see cref="Receive"/> takes Alice's message and returns the next one to send) so the same
/// code runs over any classical channel; every binary-search step of every open block is batched into one
/// query message, so the cost of latency is one round trip per search level, not per parity.
/// </summary>
/// <remarks>
/// Algorithm (Brassard and Salvail 1993, with the options of Martinez-Mateo et al. 2015): in pass i the key is
/// read in the order of the pass's shuffle and cut into blocks of k_i bits; a block whose parity differs from
/// Alice's holds an odd number of errors and is bisected (BINARY) down to one bit, which is flipped. A flip
/// changes the parity of the block containing that bit in every earlier pass (the cascade effect), which opens
/// new searches there. Bob tracks, for every range whose Alice parity he knows, whether his parity differs
/// ("mismatch"); a flip toggles the mismatch of every known range containing the bit (O(depth) per pass), so
/// no parity is ever recomputed for the bookkeeping. With subblock reuse the search restarts from the smallest
/// known mismatched range instead of the whole block, and known halves are not asked again.
/// BICONF rounds (variant "cascade-biconf") compare the parity of a random half of the key and bisect on a
/// mismatch, until a streak of error-free rounds.
/// </remarks>
// Why this file stays whole at ~560 lines: it is one state machine whose bit-level bookkeeping (known parities,
// mismatches, the search lists of the current and next level) is shared by every step, and it is the hot path of
// reconciliation (CascadeBenchmarks). Splitting it would mean partials that each touch the same private arrays, not
// a seam; the message format lives in CascadeMessage and the plan in CascadePlan already.
public sealed class CascadeBob
{
    private readonly CascadePlan _plan;
    private readonly BitString _target;
    private readonly ulong[] _key;
    private readonly int _words;
    private readonly ulong[]?[] _copies;
    private readonly ulong[]?[] _known;
    private readonly ulong[]?[] _mismatch;
    private readonly bool[]?[] _active;
    private readonly ulong[]?[] _aliceTops;
    private List<Search> _current = new(256);
    private List<Search> _next = new(256);
    private List<Search> _cascadeTarget;
    private int _startedPasses;
    private int _pendingBiconf = -1;
    private int _biconfStreak;
    private long _correctionsAtRoundStart = -1;
    private bool _awaitingTops = true;
    private long _workLeft;

    private struct Search
    {
        public int Pass;
        public int Block;
        public int Node;
        public int Start;
        public int Length;
    }

    /// <summary>Prepares Bob; <paramref name="key"/> is corrected in place.</summary>
    public CascadeBob(CascadePlan plan, BitString key)
    {
        _plan = Guard.NotNull(plan);
        _target = Guard.NotNull(key);
        Guard.SameLength(plan.Length, key.Length, "Cascade plan and Bob's key");
        _key = key.Words.ToArray();
        _words = _key.Length;
        var total = plan.TotalPasses;
        _copies = new ulong[total][];
        _known = new ulong[total][];
        _mismatch = new ulong[total][];
        _active = new bool[total][];
        _aliceTops = new ulong[total][];
        _cascadeTarget = _current;
        WorkBound = WorkBoundFor(plan.Length, total);
        MaxQueryMessages = (plan.Length + total + 1L) * (System.Numerics.BitOperations.Log2((uint)Math.Max(1, plan.Length - 1)) + 1 + 2);
        _workLeft = WorkBound;
    }

    /// <summary>
    /// The most search steps (one binary-search level of one block, one answer read, one pass revisited after a flip)
    /// Bob performs before he gives up: 4 (n + 64) P (ceil(log2 n) + 2) for n bits and P passes. An honest run cannot
    /// reach it: every search starts from a block whose top parity differs (at most n per pass), a flip (at most one per
    /// error, at most n, each reopening at most one block per pass) or a search abandoned after such a flip, and each
    /// descends at most ceil(log2 n) + 1 levels, so an honest run takes at most 3 n P (ceil(log2 n) + 2) steps.
    /// Forged parities (which the transcript tag rejects only at the end of the block) can make the local cascade
    /// of corrections cycle without asking Alice anything; the bound turns that into <see cref="Diverged"/>, as do more
    /// than n corrections and more than <see cref="MaxQueryMessages"/> query messages.
    /// </summary>
    public long WorkBound { get; }

    /// <summary>
    /// The most query messages Bob sends: (n + P + 1) (ceil(log2 n) + 2). In an honest run every round of binary
    /// searches (at most ceil(log2 n) + 1 query messages) ends in at least one flip, the start of a pass or a BICONF
    /// round, and flips are at most n.
    /// </summary>
    public long MaxQueryMessages { get; }

    /// <summary>True when Bob gave up because the parities were inconsistent beyond any honest run (<see cref="WorkBound"/>).</summary>
    public bool Diverged { get; private set; }

    /// <summary><see cref="WorkBound"/> for a key of <paramref name="bits"/> bits and <paramref name="passes"/> passes.</summary>
    public static long WorkBoundFor(int bits, int passes) =>
        4L * (bits + 64) * Math.Max(1, passes) * (System.Numerics.BitOperations.Log2((uint)Math.Max(1, bits - 1)) + 1 + 2);

    /// <summary>One unit of search work; throws <see cref="WorkExceededException"/> past <see cref="WorkBound"/>.</summary>
    private void Step()
    {
        if (--_workLeft < 0)
        {
            throw new WorkExceededException();
        }
    }

    /// <summary>Unwinds Bob's search loops when the work bound is exceeded (caught in <see cref="Receive"/>).</summary>
    private sealed class WorkExceededException : Exception;

    /// <summary>Bits flipped so far.</summary>
    public long Corrections { get; private set; }

    /// <summary>Parity bits Alice disclosed (the same count Alice keeps).</summary>
    public long LeakedBits { get; private set; }

    /// <summary>Query messages sent (one round trip each).</summary>
    public int QueryMessages { get; private set; }

    /// <summary>True once Bob has sent <see cref="CascadeMessage.Done"/>.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>
    /// Handles Alice's message and returns Bob's next message (queries, or done); empty when Bob gave up
    /// (<see cref="Diverged"/>: the block must end without key).
    /// </summary>
    public byte[] Receive(ReadOnlySpan<byte> message)
    {
        try
        {
            return ReceiveCore(message);
        }
        catch (WorkExceededException)
        {
            Diverged = true;
            IsFinished = true;
            return [];
        }
    }

    private byte[] ReceiveCore(ReadOnlySpan<byte> message)
    {
        if (IsFinished)
        {
            throw new InvalidOperationException("Cascade has finished; Bob expects no further message.");
        }
        if (message.Length == 0)
        {
            throw new ArgumentException("Cascade message from Alice is empty.", nameof(message));
        }
        if (_awaitingTops)
        {
            if (message[0] != CascadeMessage.Tops)
            {
                throw new ArgumentException($"First Cascade message from Alice has tag {message[0]}, expected tops ({CascadeMessage.Tops}).", nameof(message));
            }
            ReadTops(message[1..]);
            _awaitingTops = false;
        }
        else
        {
            if (message[0] != CascadeMessage.Answers)
            {
                throw new ArgumentException($"Cascade message from Alice has tag {message[0]}, expected answers ({CascadeMessage.Answers}).", nameof(message));
            }
            ReadAnswers(message[1..]);
        }
        return Advance();
    }

    private void ReadTops(ReadOnlySpan<byte> payload)
    {
        var offset = 0;
        for (var p = 0; p < _plan.NormalPasses; p++)
        {
            var pass = _plan.Pass(p);
            var bytes = (pass.BlockCount + 7) >> 3;
            if (offset + bytes > payload.Length)
            {
                throw new ArgumentException($"Cascade tops message is {payload.Length + 1} bytes, too short for the plan's {_plan.NormalPasses} passes.", nameof(payload));
            }
            var tops = new ulong[(pass.BlockCount + 63) >> 6];
            for (var b = 0; b < pass.BlockCount; b++)
            {
                if (((payload[offset + (b >> 3)] >> (b & 7)) & 1) != 0)
                {
                    tops[b >> 6] |= 1UL << (b & 63);
                }
            }
            _aliceTops[p] = tops;
            offset += bytes;
            LeakedBits += pass.BlockCount;
        }
    }

    private void ReadAnswers(ReadOnlySpan<byte> payload)
    {
        var count = _current.Count;
        var expected = ((count + 7) >> 3) + (_pendingBiconf >= 0 ? 1 : 0);
        if (payload.Length != expected)
        {
            throw new ArgumentException($"Cascade answers carry {payload.Length} bytes for {count} questions, expected {expected}.", nameof(payload));
        }
        LeakedBits += count;
        _next.Clear();
        _cascadeTarget = _next;
        for (var i = 0; i < count; i++)
        {
            Step();
            var s = _current[i];
            var aliceLeft = (payload[i >> 3] >> (i & 7)) & 1;
            var copy = Copy(s.Pass);
            var leftLength = (s.Length + 1) >> 1;
            var bobLeft = BitString.RangeParity(copy, s.Start, leftLength);
            var known = _known[s.Pass]!;
            var mismatch = _mismatch[s.Pass]!;
            var baseIndex = s.Block * _plan.Pass(s.Pass).NodesPerBlock;
            var current = Get(mismatch, baseIndex + s.Node);
            var leftMismatch = (aliceLeft ^ bobLeft) != 0;
            var rightMismatch = current ^ leftMismatch;
            Set(known, mismatch, baseIndex + 2 * s.Node, leftMismatch);
            Set(known, mismatch, baseIndex + 2 * s.Node + 1, rightMismatch);
            if (leftMismatch)
            {
                s.Node *= 2;
                s.Length = leftLength;
            }
            else if (rightMismatch)
            {
                s.Node = 2 * s.Node + 1;
                s.Start += leftLength;
                s.Length -= leftLength;
            }
            else
            {
                Abandon(s);
                continue;
            }
            if (s.Length == 1)
            {
                _active[s.Pass]![s.Block] = false;
                FlipAndCascade(_plan.Pass(s.Pass).Permutation is { } perm ? perm[s.Start] : s.Start);
            }
            else
            {
                _next.Add(s);
            }
        }
        if (_pendingBiconf >= 0)
        {
            var round = _pendingBiconf;
            _pendingBiconf = -1;
            LeakedBits += 1;
            StartPass(round, payload[^1] & 1, _next);
        }
        (_current, _next) = (_next, _current);
    }

    private byte[] Advance()
    {
        while (true)
        {
            var queries = PrepareQueries();
            if (queries > 0)
            {
                return QueryMessage(-1);
            }
            if (_startedPasses < _plan.NormalPasses)
            {
                StartPass(_startedPasses, -1, _current);
                continue;
            }
            if (_plan.Variant.BiconfStreak > 0)
            {
                if (_correctionsAtRoundStart >= 0)
                {
                    _biconfStreak = Corrections == _correctionsAtRoundStart ? _biconfStreak + 1 : 0;
                }
                if (_biconfStreak < _plan.Variant.BiconfStreak && _startedPasses < _plan.TotalPasses)
                {
                    _correctionsAtRoundStart = Corrections;
                    _pendingBiconf = _startedPasses;
                    return QueryMessage(_pendingBiconf);
                }
            }
            IsFinished = true;
            WriteBack();
            return [CascadeMessage.Done];
        }
    }

    /// <summary>Resolves what can be resolved locally; leaves in _current exactly the searches that need a question.</summary>
    private int PrepareQueries()
    {
        _next.Clear();
        _cascadeTarget = _current;
        var reuse = _plan.Variant.SubblockReuse;
        for (var i = 0; i < _current.Count; i++)
        {
            var s = _current[i];
            var pass = _plan.Pass(s.Pass);
            var known = _known[s.Pass]!;
            var mismatch = _mismatch[s.Pass]!;
            var baseIndex = s.Block * pass.NodesPerBlock;
            var keep = true;
            while (true)
            {
                Step();
                if (!Get(mismatch, baseIndex + s.Node))
                {
                    Abandon(s);
                    keep = false;
                    break;
                }
                if (s.Length == 1)
                {
                    _active[s.Pass]![s.Block] = false;
                    FlipAndCascade(pass.Permutation is { } perm ? perm[s.Start] : s.Start);
                    keep = false;
                    break;
                }
                var left = baseIndex + 2 * s.Node;
                if (!reuse || !Get(known, left))
                {
                    break;
                }
                var leftLength = (s.Length + 1) >> 1;
                if (Get(mismatch, left))
                {
                    s.Node *= 2;
                    s.Length = leftLength;
                    continue;
                }
                var right = left + 1;
                if (!Get(known, right))
                {
                    Set(known, mismatch, right, true);
                }
                s.Node = 2 * s.Node + 1;
                s.Start += leftLength;
                s.Length -= leftLength;
            }
            if (keep)
            {
                _next.Add(s);
            }
        }
        (_current, _next) = (_next, _current);
        _cascadeTarget = _current;
        return _current.Count;
    }

    private byte[] QueryMessage(int biconf)
    {
        if (QueryMessages >= MaxQueryMessages)
        {
            throw new WorkExceededException();
        }
        var count = _current.Count;
        var message = new byte[CascadeMessage.QueryHeaderBytes + count * CascadeMessage.QueryBytes];
        message[0] = CascadeMessage.Queries;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), biconf);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(5), count);
        var offset = CascadeMessage.QueryHeaderBytes;
        for (var i = 0; i < count; i++)
        {
            var s = _current[i];
            message[offset] = (byte)s.Pass;
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 1), s.Start);
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 5), (s.Length + 1) >> 1);
            offset += CascadeMessage.QueryBytes;
        }
        QueryMessages++;
        return message;
    }

    private void StartPass(int p, int biconfParity, List<Search> target)
    {
        var pass = _plan.Pass(p);
        ulong[]? copy = null;
        if (pass.Permutation is null)
        {
            copy = _key;
        }
        else if (pass.FirstBlockMask is null)
        {
            copy = Rent(_words);
            pass.Gather(_key, copy.AsSpan(0, _words));
        }
        _copies[p] = copy;
        var bits = (pass.BlockCount * pass.NodesPerBlock + 63) >> 6;
        var known = _known[p] = Rent(bits);
        var mismatch = _mismatch[p] = Rent(bits);
        Array.Clear(known, 0, bits);
        var active = _active[p] = new bool[pass.BlockCount];
        _startedPasses = p + 1;
        var blocks = pass.IsBiconf ? 1 : pass.BlockCount;
        var tops = _aliceTops[p];
        for (var b = 0; b < blocks; b++)
        {
            var start = b * pass.BlockSize;
            var length = Math.Min(pass.BlockSize, pass.Length - start);
            var alice = pass.IsBiconf ? biconfParity : (int)((tops![b >> 6] >> (b & 63)) & 1);
            var bob = copy is null ? pass.BlockParityFromKey(_key, b) : BitString.RangeParity(copy, start, length);
            var differs = (alice ^ bob) != 0;
            var index = b * pass.NodesPerBlock + 1;
            Set(known, mismatch, index, differs);
            if (differs)
            {
                active[b] = true;
                target.Add(new Search { Pass = p, Block = b, Node = 1, Start = start, Length = length });
            }
        }
        _aliceTops[p] = null;
    }

    private void Abandon(Search s)
    {
        var active = _active[s.Pass]!;
        active[s.Block] = false;
        var pass = _plan.Pass(s.Pass);
        var root = s.Block * pass.NodesPerBlock + 1;
        if (Get(_known[s.Pass]!, root) && Get(_mismatch[s.Pass]!, root))
        {
            var start = s.Block * pass.BlockSize;
            active[s.Block] = true;
            _cascadeTarget.Add(new Search { Pass = s.Pass, Block = s.Block, Node = 1, Start = start, Length = Math.Min(pass.BlockSize, pass.Length - start) });
        }
    }

    private void FlipAndCascade(int keyIndex)
    {
        if (Corrections >= _plan.Length)
        {
            // Every honest flip corrects a bit that differs from Alice's, so an honest run flips at most n bits; more
            // means forged parities are flipping bits back and forth.
            throw new WorkExceededException();
        }
        Corrections++;
        _key[keyIndex >> 6] ^= 1UL << (keyIndex & 63);
        var reuse = _plan.Variant.SubblockReuse;
        for (var p = 0; p < _startedPasses; p++)
        {
            Step();
            var pass = _plan.Pass(p);
            var u = pass.PositionOf(keyIndex);
            var copy = _copies[p];
            if (copy is not null && !ReferenceEquals(copy, _key))
            {
                copy[u >> 6] ^= 1UL << (u & 63);
            }
            var known = _known[p]!;
            var mismatch = _mismatch[p]!;
            var block = u / pass.BlockSize;
            var baseIndex = block * pass.NodesPerBlock;
            var start = block * pass.BlockSize;
            var length = Math.Min(pass.BlockSize, pass.Length - start);
            var node = 1;
            int bestNode = 0, bestStart = 0, bestLength = 0;
            while (true)
            {
                var index = baseIndex + node;
                if (!Get(known, index))
                {
                    break;
                }
                mismatch[index >> 6] ^= 1UL << (index & 63);
                if (Get(mismatch, index) && (reuse || node == 1))
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
            var active = _active[p]!;
            if (bestNode != 0 && !active[block])
            {
                active[block] = true;
                _cascadeTarget.Add(new Search { Pass = p, Block = block, Node = bestNode, Start = bestStart, Length = bestLength });
            }
        }
    }

    private void WriteBack()
    {
        var target = _target.MutableWords;
        _key.CopyTo(target);
        Array.Clear(_key);
        for (var p = 0; p < _copies.Length; p++)
        {
            if (_copies[p] is { } c && !ReferenceEquals(c, _key))
            {
                Array.Clear(c);
                System.Buffers.ArrayPool<ulong>.Shared.Return(c);
            }
            if (_known[p] is { } k)
            {
                System.Buffers.ArrayPool<ulong>.Shared.Return(k);
            }
            if (_mismatch[p] is { } m)
            {
                System.Buffers.ArrayPool<ulong>.Shared.Return(m);
            }
            _copies[p] = null;
            _known[p] = null;
            _mismatch[p] = null;
            _active[p] = null;
        }
    }

    /// <summary>A pooled buffer of at least <paramref name="words"/> words (contents undefined; callers overwrite or clear).</summary>
    private static ulong[] Rent(int words) => System.Buffers.ArrayPool<ulong>.Shared.Rent(Math.Max(1, words));

    /// <summary>The key in pass <paramref name="p"/>'s order, gathered from the current key on first use.</summary>
    private ulong[] Copy(int p)
    {
        var copy = _copies[p];
        if (copy is null)
        {
            copy = Rent(_words);
            _plan.Pass(p).Gather(_key, copy.AsSpan(0, _words));
            _copies[p] = copy;
        }
        return copy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Get(ulong[] bits, int index) => ((bits[index >> 6] >> (index & 63)) & 1UL) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Set(ulong[] known, ulong[] mismatch, int index, bool value)
    {
        var bit = 1UL << (index & 63);
        known[index >> 6] |= bit;
        if (value)
        {
            mismatch[index >> 6] |= bit;
        }
        else
        {
            mismatch[index >> 6] &= ~bit;
        }
    }
}
