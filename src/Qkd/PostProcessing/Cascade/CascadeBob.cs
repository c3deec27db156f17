using System.Buffers;
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
// The per-pass bookkeeping (known parities, mismatches, open blocks, the pass-ordered key copy and the path toggle on a
// flip) lives in CascadePassState, the wire format in CascadeMessage; this class drives the searches across passes.
public sealed class CascadeBob
{
    private readonly CascadePlan _plan;
    private readonly BitString _target;
    private readonly ArrayPool<ulong> _pool;
    private readonly ulong[] _key;
    private readonly int _words;
    private readonly CascadePassState?[] _passes;
    private readonly ulong[]?[] _aliceTops;
    private CascadeSearchList _current;
    private CascadeSearchList _next;
    private CascadeSearchList _cascadeTarget;
    private int _startedPasses;
    private int _pendingBiconf = -1;
    private int _biconfStreak;
    private long _correctionsAtRoundStart = -1;
    private bool _awaitingTops = true;
    private bool _released;
    private readonly CascadeWorkBudget _budget;
    private readonly MessageRecycler? _messages;

    /// <summary>Prepares Bob; <paramref name="key"/> is corrected in place.</summary>
    public CascadeBob(CascadePlan plan, BitString key)
        : this(plan, key, CascadeBuffers.Shared)
    {
    }

    /// <summary>Prepares Bob with working buffers from <paramref name="buffers"/> (the pipeline's run-scoped pools).</summary>
    internal CascadeBob(CascadePlan plan, BitString key, CascadeBuffers buffers)
    {
        _plan = Guard.NotNull(plan);
        _target = Guard.NotNull(key);
        var pool = _pool = Guard.NotNull(buffers).Words;
        _messages = buffers.Messages;
        _current = new CascadeSearchList(buffers.Searches);
        _next = new CascadeSearchList(buffers.Searches);
        Guard.SameLength(plan.Length, key.Length, "Cascade plan and Bob's key");
        _words = key.Words.Length;
        _key = pool.Rent(Math.Max(1, _words));
        key.Words.CopyTo(_key);
        var total = plan.TotalPasses;
        _passes = new CascadePassState?[total];
        _aliceTops = new ulong[total][];
        _cascadeTarget = _current;
        _budget = new CascadeWorkBudget(plan.Length, total);
    }

    /// <summary>Bob's working key (the pool's buffer may be longer).</summary>
    private Span<ulong> Key => _key.AsSpan(0, _words);

    /// <summary>The most search steps Bob performs before he gives up (<see cref="CascadeWorkBudget.WorkBound"/>).</summary>
    public long WorkBound => _budget.WorkBound;

    /// <summary>The most query messages Bob sends (<see cref="CascadeWorkBudget.MaxQueryMessages"/>).</summary>
    public long MaxQueryMessages => _budget.MaxQueryMessages;

    /// <summary>True when Bob gave up because the parities were inconsistent beyond any honest run (<see cref="WorkBound"/>).</summary>
    public bool Diverged { get; private set; }

    /// <summary><see cref="WorkBound"/> for a key of <paramref name="bits"/> bits and <paramref name="passes"/> passes.</summary>
    public static long WorkBoundFor(int bits, int passes) => CascadeWorkBudget.WorkBoundFor(bits, passes);

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
        catch (CascadeWorkBudget.ExceededException)
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

    private void ReadTops(ReadOnlySpan<byte> payload) => LeakedBits += CascadeMessage.ReadTops(payload, _plan, _aliceTops);

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
            _budget.Step();
            var s = _current[i];
            var aliceLeft = (payload[i >> 3] >> (i & 7)) & 1;
            var state = _passes[s.Pass]!;
            var leftLength = (s.Length + 1) >> 1;
            var bobLeft = BitString.RangeParity(state.EnsureCopy(Key), s.Start, leftLength);
            var baseIndex = s.Block * state.Pass.NodesPerBlock;
            var leftMismatch = (aliceLeft ^ bobLeft) != 0;
            var rightMismatch = state.IsMismatch(baseIndex + s.Node) ^ leftMismatch;
            state.Record(baseIndex + 2 * s.Node, leftMismatch);
            state.Record(baseIndex + 2 * s.Node + 1, rightMismatch);
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
                state.SetActive(s.Block, false);
                FlipAndCascade(state.Pass.Permutation is { } perm ? perm[s.Start] : s.Start);
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
            if (Descend(ref s, reuse))
            {
                _next.Add(s);
            }
        }
        (_current, _next) = (_next, _current);
        _cascadeTarget = _current;
        return _current.Count;
    }

    /// <summary>
    /// Walks search <paramref name="s"/> down through ranges whose parities are already known (subblock reuse): false when
    /// it ended here (abandoned, or a bit flipped), true when it needs Alice's parity of its left half.
    /// </summary>
    private bool Descend(ref CascadeSearch s, bool reuse)
    {
        var state = _passes[s.Pass]!;
        var baseIndex = s.Block * state.Pass.NodesPerBlock;
        while (true)
        {
            _budget.Step();
            if (!state.IsMismatch(baseIndex + s.Node))
            {
                Abandon(s);
                return false;
            }
            if (s.Length == 1)
            {
                state.SetActive(s.Block, false);
                FlipAndCascade(state.Pass.Permutation is { } perm ? perm[s.Start] : s.Start);
                return false;
            }
            var left = baseIndex + 2 * s.Node;
            if (!reuse || !state.IsKnown(left))
            {
                return true;
            }
            var leftLength = (s.Length + 1) >> 1;
            if (state.IsMismatch(left))
            {
                s.Node *= 2;
                s.Length = leftLength;
                continue;
            }
            var right = left + 1;
            if (!state.IsKnown(right))
            {
                state.Record(right, true);
            }
            s.Node = 2 * s.Node + 1;
            s.Start += leftLength;
            s.Length -= leftLength;
        }
    }

    private byte[] QueryMessage(int biconf)
    {
        _budget.CheckQuery(QueryMessages);
        QueryMessages++;
        return CascadeMessage.WriteQueries(_current, biconf, _messages);
    }

    private void StartPass(int p, int biconfParity, CascadeSearchList target)
    {
        var pass = _plan.Pass(p);
        var state = _passes[p] = new CascadePassState(pass, pass.Permutation is null ? _key : null, _pool);
        var copy = pass.Permutation is not null && pass.FirstBlockMask is null ? state.EnsureCopy(Key) : state.Copy;
        _startedPasses = p + 1;
        var blocks = pass.IsBiconf ? 1 : pass.BlockCount;
        var tops = _aliceTops[p];
        for (var b = 0; b < blocks; b++)
        {
            var start = b * pass.BlockSize;
            var length = Math.Min(pass.BlockSize, pass.Length - start);
            var alice = pass.IsBiconf ? biconfParity : (int)((tops![b >> 6] >> (b & 63)) & 1);
            var bob = copy is null ? pass.BlockParityFromKey(Key, b) : BitString.RangeParity(copy, start, length);
            var differs = (alice ^ bob) != 0;
            state.Record(b * pass.NodesPerBlock + 1, differs);
            if (differs)
            {
                state.SetActive(b, true);
                target.Add(new CascadeSearch { Pass = p, Block = b, Node = 1, Start = start, Length = length });
            }
        }
        _aliceTops[p] = null;
    }

    private void Abandon(CascadeSearch s)
    {
        var state = _passes[s.Pass]!;
        state.SetActive(s.Block, false);
        var pass = state.Pass;
        var root = s.Block * pass.NodesPerBlock + 1;
        if (state.IsKnown(root) && state.IsMismatch(root))
        {
            var start = s.Block * pass.BlockSize;
            state.SetActive(s.Block, true);
            _cascadeTarget.Add(new CascadeSearch { Pass = s.Pass, Block = s.Block, Node = 1, Start = start, Length = Math.Min(pass.BlockSize, pass.Length - start) });
        }
    }

    private void FlipAndCascade(int keyIndex)
    {
        _budget.CheckCorrection(Corrections);
        Corrections++;
        _key[keyIndex >> 6] ^= 1UL << (keyIndex & 63);
        var reuse = _plan.Variant.SubblockReuse;
        for (var p = 0; p < _startedPasses; p++)
        {
            _budget.Step();
            var state = _passes[p]!;
            var u = state.Pass.PositionOf(keyIndex);
            var bestNode = state.Flip(u, reuse, out var bestStart, out var bestLength);
            var block = u / state.Pass.BlockSize;
            if (bestNode != 0 && !state.IsActive(block))
            {
                state.SetActive(block, true);
                _cascadeTarget.Add(new CascadeSearch { Pass = p, Block = block, Node = bestNode, Start = bestStart, Length = bestLength });
            }
        }
    }

    private void WriteBack()
    {
        Key.CopyTo(_target.MutableWords);
        Release();
    }

    /// <summary>
    /// Wipes Bob's working copies of the key and returns every buffer to the pool (idempotent). Called when Cascade
    /// finishes, and by the pipeline when a block ends early; Bob accepts no further message afterwards.
    /// </summary>
    internal void Release()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        IsFinished = true;
        for (var p = 0; p < _passes.Length; p++)
        {
            _passes[p]?.Release();
            _passes[p] = null;
        }
        Array.Clear(_key);
        _pool.Return(_key);
        _current.Release();
        _next.Release();
    }
}
