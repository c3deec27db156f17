using System.Buffers.Binary;
using System.Security.Cryptography;
using Qkd.Bits;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Bob's side of LDPC reconciliation: decodes the error pattern e = x XOR y of his frame y (his key bits, 0 on the
/// punctured and shortened positions) from the error syndrome s_A XOR H y (channel LLR +ln((1 - Q)/Q) on key
/// positions, 0 on punctured, +max on shortened) and corrects his key in place when every check is satisfied.
/// Replies 1 (decoded) or 0 (failed); with <see cref="LdpcRevealOrder.LeastReliable"/> a failure that a blind round
/// follows also names the positions he wants revealed, as many as the unsatisfied checks call for, up to the round's
/// reveal size (<see cref="LdpcOptions.RevealPerUnsatisfiedCheck"/>; <see cref="LdpcAlice"/> has the wire format); revealed bits
/// become known (+-max) for the next attempt. Decoding e rather than x gives the same beliefs up to sign (the
/// decoder is odd in every message), and makes the positions Bob names a function of the error syndrome and the
/// bits already revealed, as in symmetric blind reconciliation (docs/postprocessing.md section 7). A satisfied
/// syndrome can still be the wrong word: the verification hash that follows decides.
/// </summary>
public sealed class LdpcBob
{
    private readonly LdpcOptions _options;
    private readonly BitString _key;
    private readonly double _qber;
    private LdpcFramePlan? _plan;
    private LdpcDecoder? _decoder;
    private byte[]? _decided;
    private byte[]? _frame;
    private byte[]? _known;
    private int[] _requested = [];
    private int _revealed;
    private int _round;
    private int _unsatisfied;

    /// <summary>Bob with his key (corrected in place) and the agreed QBER estimate.</summary>
    public LdpcBob(LdpcOptions options, double qberEstimate, BitString key)
    {
        _options = Guard.NotNull(options).Validated();
        _key = Guard.NotNull(key);
        _qber = Guard.InRange(qberEstimate, 0, 0.5, "");
    }

    /// <summary>Bits Bob flipped.</summary>
    public long Corrections { get; private set; }

    /// <summary>Bits disclosed about the key (mirrors Alice's count).</summary>
    public long LeakedBits { get; private set; }

    /// <summary>Decoding attempts (1 + blind rounds used).</summary>
    public int Attempts { get; private set; }

    /// <summary>Belief-propagation iterations over all attempts.</summary>
    public int Iterations { get; private set; }

    /// <summary>True when reconciliation ended.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>True when it ended without a decoded frame (a frame error).</summary>
    public bool Failed { get; private set; }

    /// <summary>Handles Alice's message; returns the status reply (1 decoded, 0 failed).</summary>
    public byte[] Receive(ReadOnlySpan<byte> message)
    {
        if (IsFinished)
        {
            throw new InvalidOperationException("LDPC reconciliation of Bob received a message after it finished.");
        }
        if (_plan is null)
        {
            Begin(message);
        }
        else
        {
            Reveal(message);
        }
        var decoded = Attempt();
        if (decoded)
        {
            IsFinished = true;
            Release();
            return [1];
        }
        if (_round >= _plan!.Rounds || _revealed >= _plan.Revealable)
        {
            IsFinished = true;
            Failed = true;
            Release();
            _round++;
            return [0];
        }
        var count = Math.Min(_plan.RevealInRound(_round), _plan.Revealable - _revealed);
        if (_options.RevealPerUnsatisfiedCheck > 0 && _options.RevealOrder == LdpcRevealOrder.LeastReliable)
        {
            // A frame close to decoding asks for few values, one far from it for up to the round's size.
            var unsatisfied = _unsatisfied = _decoder!.UnsatisfiedChecksOfLastRun(_decided!);
            count = Math.Clamp((int)Math.Ceiling(_options.RevealPerUnsatisfiedCheck * unsatisfied), Math.Min(_options.MinimumRevealBits, count), count);
        }
        _round++;
        return _options.RevealOrder == LdpcRevealOrder.Fixed ? [0] : Request(count);
    }

    /// <summary>The least reliable positions not yet known, as a reveal request: byte 0, int32 count, count int32 positions ascending.</summary>
    private byte[] Request(int count)
    {
        _requested = new int[count];
        var found = LdpcReliability.LeastReliable(_decoder!.Beliefs, _known!, _requested);
        Guard.SameLength(found, count, "Revealable LDPC positions");
        var message = new byte[5 + 4 * count];
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), count);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(5 + 4 * i), _requested[i]);
        }
        return message;
    }

    private void Begin(ReadOnlySpan<byte> message)
    {
        if (message.Length < LdpcAlice.HeaderBytes || message[0] != 1)
        {
            throw new ArgumentException($"The first LDPC message must start with type 1 and a {LdpcAlice.HeaderBytes}-byte header, but has {message.Length} bytes.");
        }
        var plan = _plan = LdpcFramePlan.FromAnnouncement(_key.Length,
            BinaryPrimitives.ReadInt32LittleEndian(message[1..]), BinaryPrimitives.ReadInt32LittleEndian(message[5..]),
            BinaryPrimitives.ReadInt32LittleEndian(message[9..]), BinaryPrimitives.ReadInt32LittleEndian(message[13..]),
            BinaryPrimitives.ReadInt32LittleEndian(message[17..]), _options);
        var code = plan.Code;
        Guard.SameLength(message.Length, LdpcAlice.HeaderBytes + (code.Checks + 7) / 8, "First LDPC message");
        _decoder = LdpcCodeBook.RentDecoder(plan.KeyBits, plan.RateIndex, _options);
        var buffers = _decoder.FrameBuffers;
        var syndrome = buffers.Syndrome;
        LdpcAlice.Unpack(message[LdpcAlice.HeaderBytes..], syndrome);
        var q = Math.Clamp(_qber, 1e-3, 0.2);
        var llr = (short)Math.Min(LdpcDecoder.MaxMagnitude, Math.Round(Math.Log((1 - q) / q) * LdpcDecoder.LlrScale));
        var channel = buffers.Channel;
        var frame = _frame = buffers.Frame;
        var known = _known = buffers.Known;
        LdpcAlice.Scatter(_key, plan.KeyPositions, frame);
        // Key positions carry the channel LLR, punctured ones 0, shortened ones the maximum (known).
        channel.AsSpan().Fill(llr);
        foreach (var v in plan.PuncturedPositions)
        {
            channel[v] = 0;
        }
        foreach (var v in plan.ShortenedPositions)
        {
            channel[v] = LdpcDecoder.MaxMagnitude;
            known[v] = 1;
        }
        // Error syndrome s_A XOR H y: the decoder looks for the error pattern, all-zero being the channel's guess.
        var own = buffers.Own;
        code.Syndrome(frame, own);
        for (var i = 0; i < syndrome.Length; i++)
        {
            syndrome[i] ^= own[i];
        }
        CryptographicOperations.ZeroMemory(own);
        // The 8-bit kernel is box-plus with alpha = 1; any other rule runs on 16-bit lanes.
        _decoder.NarrowLanes = _options.NarrowLanes && _options.CheckRule == LdpcCheckRule.BoxPlus && _options.Normalisation == 1.0;
        _decoder.Load(channel, syndrome);
        CryptographicOperations.ZeroMemory(syndrome);
        _decided = buffers.Decided;
        LeakedBits = plan.InitialLeakBits;
    }

    private void Reveal(ReadOnlySpan<byte> message)
    {
        var plan = _plan!;
        if (message.Length < 5 || message[0] != 2)
        {
            throw new ArgumentException($"An LDPC reveal message must start with type 2 and a 5-byte header, but has {message.Length} bytes.");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
        var fixedOrder = _options.RevealOrder == LdpcRevealOrder.Fixed;
        Guard.InRange(count, fixedOrder ? 1 : _requested.Length, fixedOrder ? Math.Min(plan.RevealInRound(_round - 1), plan.Revealable - _revealed) : _requested.Length);
        Guard.SameLength(message.Length, 5 + (count + 7) / 8, "LDPC reveal message");
        for (var i = 0; i < count; i++)
        {
            var v = fixedOrder ? plan.RevealPosition(_revealed + i) : _requested[i];
            var bit = (message[5 + (i >> 3)] >> (i & 7)) & 1;
            // Alice's bit x_v; the decoder's variable is e_v = x_v XOR y_v.
            _decoder!.Pin(v, (bit ^ _frame![v]) != 0);
            _known![v] = 1;
        }
        _revealed += count;
        LeakedBits += count;
    }

    private bool Attempt()
    {
        var plan = _plan!;
        Attempts++;
        var decided = _decided!;
        // The last attempt gets every iteration; earlier ones give up on a stall (a reveal follows).
        var last = _round >= _plan!.Rounds || _revealed >= _plan.Revealable;
        var iterations = _decoder!.Run(decided, _options.MaxIterations, _options.Normalisation, stallWindow: last ? 0 : _options.StallWindow,
            rule: _options.CheckRule, stallReference: _options.ResumedStallWindow > 0 ? _unsatisfied : 0, resumedStallWindow: _options.ResumedStallWindow);
        Iterations += _decoder.LastIterations;
        if (iterations < 0)
        {
            return false;
        }
        var keyPositions = plan.KeyPositions;
        for (var i = 0; i < keyPositions.Length; i++)
        {
            if (decided[keyPositions[i]] != 0)
            {
                _key[i] = !_key[i];
                Corrections++;
            }
        }
        return true;
    }

    /// <summary>Returns the decoder to its pool; its wipe clears the frame buffers too (decisions and frame are key bits).</summary>
    private void Release()
    {
        _decided = null;
        _frame = null;
        _known = null;
        if (_decoder is not null)
        {
            _decoder.Wipe();
            LdpcCodeBook.ReturnDecoder(_plan!.KeyBits, _plan.RateIndex, _options, _decoder);
            _decoder = null;
        }
    }
}
