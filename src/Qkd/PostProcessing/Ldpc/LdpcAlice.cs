using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Qkd.Bits;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Alice's side of LDPC reconciliation (she keeps her key; Bob corrects his). First message: the plan
/// (mother-rate index, p, s, blind rounds, reveal size) and the syndrome of her frame. Bob answers 1 (decoded) or 0
/// (failed); after a 0, while blind rounds remain, she reveals her values at the positions Bob named
/// (<see cref="LdpcRevealOrder.LeastReliable"/>, symmetric blind reconciliation) or at the next punctured, then key,
/// positions of the public order (<see cref="LdpcRevealOrder.Fixed"/>, <see cref="LdpcFramePlan.RevealPosition"/>);
/// after the last round a 0 means the frame is lost. Each revealed value adds one bit to the leak; Bob's positions
/// add none (docs/postprocessing.md section 7).
/// </summary>
/// <remarks>
/// Wire format (little-endian): first message = byte 1, int32 rate index, int32 p, int32 s, int32 rounds, int32
/// reveal, then the M syndrome bits packed; Bob's status = byte 1 (decoded) or byte 0 (failed), in the
/// least-reliable order followed, when a blind round remains, by int32 count and count int32 positions strictly
/// ascending (1 to the round's reveal size, Bob's choice; each a punctured or key position not yet revealed: anything
/// else is malformed and ends the block); reveal = byte 2, int32 count, then count bits packed (in the order of the positions).
/// </remarks>
public sealed class LdpcAlice
{
    internal const int HeaderBytes = 21;

    private readonly LdpcOptions _options;
    private readonly BitString _key;
    private readonly double _qber;
    private readonly ISecretRandom _random;
    private LdpcFramePlan? _plan;
    private byte[]? _frame;
    private byte[]? _known;
    private int _revealed;
    private int _round;

    /// <summary>
    /// Alice with her key and the QBER estimate both parties agreed on. The punctured positions are filled from
    /// <paramref name="random"/> (the host's secret randomness; the system CSPRNG when null).
    /// </summary>
    public LdpcAlice(LdpcOptions options, double qberEstimate, BitString key, ISecretRandom? random = null)
    {
        _options = Guard.NotNull(options).Validated();
        _key = Guard.NotNull(key);
        _qber = Guard.InRange(qberEstimate, 0, 0.5, "");
        _random = random ?? CryptoRandom.Shared;
    }

    /// <summary>Bits disclosed about the key so far: M - p + revealed bits (punctured or key; one per value).</summary>
    public long LeakedBits { get; private set; }

    /// <summary>True when Bob reported that decoding failed after the last blind round.</summary>
    public bool Failed { get; private set; }

    /// <summary>The frame plan (after <see cref="Start"/>).</summary>
    public LdpcFramePlan? Plan => _plan;

    /// <summary>The first message: plan and syndrome.</summary>
    public byte[] Start()
    {
        var plan = _plan = LdpcFramePlan.Choose(_key.Length, _qber, _options);
        var code = plan.Code;
        var frame = _frame = new byte[code.Length];
        Scatter(_key, plan.KeyPositions, frame);
        var random = new byte[(plan.Punctured + 7) / 8];
        _random.Fill(random);
        for (var i = 0; i < plan.Punctured; i++)
        {
            frame[plan.PuncturedPositions[i]] = (byte)((random[i >> 3] >> (i & 7)) & 1);
        }
        CryptographicOperations.ZeroMemory(random);
        var syndrome = new byte[code.Checks];
        code.Syndrome(frame, syndrome);
        var message = new byte[HeaderBytes + (code.Checks + 7) / 8];
        message[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), plan.RateIndex);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(5), plan.Punctured);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(9), plan.Shortened);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(13), plan.Rounds);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(17), plan.RevealPerRound);
        Pack(syndrome, message.AsSpan(HeaderBytes));
        LeakedBits = plan.InitialLeakBits;
        return message;
    }

    /// <summary>Handles Bob's status; returns the next reveal, or null when reconciliation ended (see <see cref="Failed"/>).</summary>
    public byte[]? Respond(ReadOnlySpan<byte> message)
    {
        var plan = _plan ?? throw new InvalidOperationException("LDPC reconciliation of Alice received a message before it started.");
        if (message.Length == 0 || message[0] > 1)
        {
            throw new ArgumentException($"An LDPC status message must start with 0 or 1, but has {message.Length} bytes.");
        }
        var count = Math.Min(plan.RevealInRound(_round), plan.Revealable - _revealed);
        var last = _round >= plan.Rounds || count <= 0;
        var fixedOrder = _options.RevealOrder == LdpcRevealOrder.Fixed;
        if (message[0] == 0 && !last && !fixedOrder)
        {
            // Bob names 1 to the round's reveal size positions (how many is his decoder's call, like which).
            var requested = message.Length >= 5 ? BinaryPrimitives.ReadInt32LittleEndian(message[1..]) : 0;
            if (requested < 1 || requested > count)
            {
                throw new ArgumentException($"An LDPC reveal request must name 1 to {count} positions in this round, but names {requested}.");
            }
            count = requested;
        }
        Guard.SameLength(message.Length, message[0] == 1 || last || fixedOrder ? 1 : 5 + 4 * count, "LDPC status message");
        if (message[0] == 1)
        {
            Wipe();
            return null;
        }
        if (last)
        {
            Failed = true;
            Wipe();
            return null;
        }
        var positions = fixedOrder ? null : RequestedPositions(message, count);
        var reveal = new byte[5 + (count + 7) / 8];
        reveal[0] = 2;
        BinaryPrimitives.WriteInt32LittleEndian(reveal.AsSpan(1), count);
        for (var i = 0; i < count; i++)
        {
            if (_frame![positions?[i] ?? plan.RevealPosition(_revealed + i)] != 0)
            {
                reveal[5 + (i >> 3)] |= (byte)(1 << (i & 7));
            }
        }
        _revealed += count;
        _round++;
        LeakedBits += count;
        return reveal;
    }

    /// <summary>
    /// Bob's reveal request: <paramref name="count"/> positions strictly ascending, each a punctured or key position
    /// not revealed before (so a value is never disclosed twice and a shortened bit never counted); throws otherwise.
    /// </summary>
    private int[] RequestedPositions(ReadOnlySpan<byte> message, int count)
    {
        Guard.SameLength(BinaryPrimitives.ReadInt32LittleEndian(message[1..]), count, "Positions in the LDPC reveal request");
        var known = _known ??= KnownPositions();
        var positions = new int[count];
        var previous = -1;
        for (var i = 0; i < count; i++)
        {
            var v = BinaryPrimitives.ReadInt32LittleEndian(message[(5 + 4 * i)..]);
            if (v <= previous || v >= known.Length || known[v] != 0)
            {
                throw new ArgumentException($"LDPC reveal request position {i} is {v}: positions must be ascending, within the {known.Length}-bit frame, and not shortened or revealed before.");
            }
            positions[i] = v;
            previous = v;
        }
        foreach (var v in positions)
        {
            known[v] = 1;
        }
        return positions;
    }

    private byte[] KnownPositions()
    {
        var known = new byte[_frame!.Length];
        foreach (var v in _plan!.ShortenedPositions)
        {
            known[v] = 1;
        }
        return known;
    }

    /// <summary>Clears the frame (it holds key bits).</summary>
    public void Wipe()
    {
        if (_frame is not null)
        {
            CryptographicOperations.ZeroMemory(_frame);
        }
    }

    /// <summary>Packs one bit per byte (0 or 1) into bytes, least significant bit first; 64 bits per vector compare.</summary>
    internal static void Pack(ReadOnlySpan<byte> bits, Span<byte> packed)
    {
        packed.Clear();
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= bits.Length; i += 64)
            {
                var mask = Vector512.GreaterThan(Vector512.Create(bits.Slice(i, 64)), Vector512<byte>.Zero).ExtractMostSignificantBits();
                BinaryPrimitives.WriteUInt64LittleEndian(packed[(i >> 3)..], mask);
            }
        }
        for (; i < bits.Length; i++)
        {
            packed[i >> 3] |= (byte)(bits[i] << (i & 7));
        }
    }

    /// <summary>The inverse of <see cref="Pack"/>: <paramref name="bits"/>.Length bits, one per byte, eight per table lookup.</summary>
    internal static void Unpack(ReadOnlySpan<byte> packed, Span<byte> bits)
    {
        var i = 0;
        for (; i + 8 <= bits.Length; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bits[i..], Spread[packed[i >> 3]]);
        }
        for (; i < bits.Length; i++)
        {
            bits[i] = (byte)((packed[i >> 3] >> (i & 7)) & 1);
        }
    }

    /// <summary>Byte b spread to eight bytes: byte k of entry b is bit k of b.</summary>
    private static readonly ulong[] Spread = BuildSpread();

    private static ulong[] BuildSpread()
    {
        var table = new ulong[256];
        for (var b = 0; b < 256; b++)
        {
            for (var k = 0; k < 8; k++)
            {
                table[b] |= (ulong)((b >> k) & 1) << (8 * k);
            }
        }
        return table;
    }

    /// <summary>frame[positions[i]] = bit i of <paramref name="key"/> for every position (ascending key positions of a frame plan).</summary>
    internal static void Scatter(BitString key, int[] positions, byte[] frame)
    {
        Guard.SameLength(key.Length, positions.Length, "Key bits and key positions");
        var words = key.Words;
        ref var p0 = ref MemoryMarshal.GetArrayDataReference(positions);
        for (var w = 0; w < words.Length; w++)
        {
            var word = words[w];
            var end = Math.Min(64, positions.Length - 64 * w);
            for (var b = 0; b < end; b++)
            {
                var v = Unsafe.Add(ref p0, 64 * w + b);
                frame[v] = (byte)((word >> b) & 1);
            }
        }
    }
}
