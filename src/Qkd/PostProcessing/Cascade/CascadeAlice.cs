using System.Buffers;
using System.Buffers.Binary;
using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// Alice's side of Cascade: she holds the reference key and only answers parity questions. Message-driven:
/// <see cref="Start"/> gives the first message, <see cref="Respond"/> answers each of Bob's messages and
/// returns null when Bob is done. Every parity bit she discloses is counted in <see cref="LeakedBits"/>.
/// </summary>
public sealed class CascadeAlice
{
    private readonly CascadePlan _plan;
    private readonly ulong[] _key;
    private readonly ulong[]?[] _permuted;
    private readonly int _words;
    private readonly ArrayPool<ulong> _pool;
    private readonly MessageRecycler? _messages;
    private bool _wiped;

    /// <summary>Prepares Alice with her key (not modified).</summary>
    public CascadeAlice(CascadePlan plan, BitString key)
        : this(plan, key, ArrayPool<ulong>.Shared)
    {
    }

    /// <summary>Prepares Alice with working buffers from <paramref name="pool"/> (the pipeline's run-scoped pool).</summary>
    internal CascadeAlice(CascadePlan plan, BitString key, ArrayPool<ulong> pool, MessageRecycler? messages = null)
    {
        _messages = messages;
        _plan = Guard.NotNull(plan);
        _pool = Guard.NotNull(pool);
        Guard.SameLength(plan.Length, Guard.NotNull(key).Length, "Cascade plan and Alice's key");
        _words = key.Words.Length;
        _key = pool.Rent(Math.Max(1, _words));
        key.Words.CopyTo(_key);
        _permuted = new ulong[plan.TotalPasses][];
    }

    /// <summary>Alice's copy of the key (the pool's buffer may be longer).</summary>
    private ReadOnlySpan<ulong> Key => _key.AsSpan(0, _words);

    /// <summary>Parity bits disclosed so far.</summary>
    public long LeakedBits { get; private set; }

    /// <summary>The first message: block parities of every normal pass.</summary>
    public byte[] Start()
    {
        var total = 0;
        for (var p = 0; p < _plan.NormalPasses; p++)
        {
            total += (_plan.Pass(p).BlockCount + 7) >> 3;
        }
        var message = new byte[1 + total];
        message[0] = CascadeMessage.Tops;
        var offset = 1;
        for (var p = 0; p < _plan.NormalPasses; p++)
        {
            var pass = _plan.Pass(p);
            var copy = pass.FirstBlockMask is null ? Materialize(p) : null;
            for (var b = 0; b < pass.BlockCount; b++)
            {
                var start = b * pass.BlockSize;
                var parity = copy is null ? pass.BlockParityFromKey(Key, b) : BitString.RangeParity(copy, start, Math.Min(pass.BlockSize, pass.Length - start));
                message[offset + (b >> 3)] |= (byte)(parity << (b & 7));
            }
            offset += (pass.BlockCount + 7) >> 3;
            LeakedBits += pass.BlockCount;
        }
        return message;
    }

    /// <summary>Answers a message from Bob; null when Bob is done.</summary>
    public byte[]? Respond(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_wiped, this);
        if (message.Length == 0)
        {
            throw new ArgumentException("Cascade message from Bob is empty.", nameof(message));
        }
        if (message[0] == CascadeMessage.Done)
        {
            return null;
        }
        if (message[0] != CascadeMessage.Queries || message.Length < CascadeMessage.QueryHeaderBytes)
        {
            throw new ArgumentException($"Cascade message from Bob has tag {message[0]}, expected queries ({CascadeMessage.Queries}) or done ({CascadeMessage.Done}).", nameof(message));
        }
        var biconf = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(message[5..]);
        Guard.SameLength(message.Length, CascadeMessage.QueryHeaderBytes + (long)count * CascadeMessage.QueryBytes, "Cascade query message");
        var replyLength = 1 + ((count + 7) >> 3) + (biconf >= 0 ? 1 : 0);
        var reply = _messages?.Rent(replyLength) ?? new byte[replyLength];
        reply[0] = CascadeMessage.Answers;
        var q = message[CascadeMessage.QueryHeaderBytes..];
        for (var i = 0; i < count; i++)
        {
            var entry = q.Slice(i * CascadeMessage.QueryBytes, CascadeMessage.QueryBytes);
            var pass = entry[0];
            var start = BinaryPrimitives.ReadInt32LittleEndian(entry[1..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(entry[5..]);
            if (pass >= _plan.TotalPasses || start < 0 || length < 1 || (long)start + length > _plan.Length)
            {
                throw new ArgumentException($"Cascade query {i} asks for pass {pass}, bits [{start}, {(long)start + length}), outside the plan.", nameof(message));
            }
            var parity = BitString.RangeParity(Materialize(pass), start, length);
            reply[1 + (i >> 3)] |= (byte)(parity << (i & 7));
        }
        LeakedBits += count;
        if (biconf >= 0)
        {
            if (biconf < _plan.NormalPasses || biconf >= _plan.TotalPasses)
            {
                throw new ArgumentException($"BICONF round {biconf} is outside [{_plan.NormalPasses}, {_plan.TotalPasses}).", nameof(message));
            }
            var pass = _plan.Pass(biconf);
            reply[^1] = (byte)pass.BlockParityFromKey(Key, 0);
            LeakedBits += 1;
        }
        return reply;
    }

    /// <summary>Wipes Alice's copies of the key and returns them to the pool (idempotent); she answers nothing afterwards.</summary>
    public void Wipe()
    {
        if (_wiped)
        {
            return;
        }
        _wiped = true;
        Array.Clear(_key);
        _pool.Return(_key);
        for (var p = 0; p < _permuted.Length; p++)
        {
            if (_permuted[p] is { } copy)
            {
                Array.Clear(copy);
                _pool.Return(copy);
                _permuted[p] = null;
            }
        }
    }

    private ulong[] Materialize(int pass)
    {
        var copy = _permuted[pass];
        if (copy is null)
        {
            ObjectDisposedException.ThrowIf(_wiped, this);
            copy = _pool.Rent(Math.Max(1, _words));
            _plan.Pass(pass).Gather(Key, copy.AsSpan(0, _words));
            _permuted[pass] = copy;
        }
        return copy;
    }
}
