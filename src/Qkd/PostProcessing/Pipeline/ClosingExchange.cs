using System.Buffers.Binary;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.PostProcessing;

/// <summary>
/// The last exchange of a block, both ends: verification (<see cref="ErrorVerification"/>), privacy amplification
/// (<see cref="ToeplitzHash"/>) and the two transcript tags (<see cref="TranscriptHash"/>). Alice's message: uint64
/// fresh verification hash key, uint64 verification tag H(x_A), int32 output length l, the Toeplitz seed
/// (n + l - 1 bits), uint64 her one-time-padded transcript tag. Bob's answer: a status byte and his tag over the
/// transcript including that byte. Key leaves a party only after the other party's tag matched its own view.
/// </summary>
internal static class ClosingExchange
{
    /// <summary>Bob's status byte.</summary>
    public const byte StatusFrameError = 0, StatusOk = 1, StatusAuthenticationFailure = 2;

    /// <summary>Bytes of a tag.</summary>
    public const int TagBytes = 8;

    /// <summary>Bytes before the seed in Alice's message (hash key, verification tag, length).</summary>
    private const int HeaderBytes = 20;

    /// <summary>
    /// Alice's choice of the output length l: the finite-key bound that fits the block (one-decoy counts, vacuum+weak
    /// decoy counts, a single-photon estimate, or the BB84 sample bound), clamped to [0, n].
    /// </summary>
    public static int SecretLength(SiftedBlock block, int reconciledBits, int sampleBits, int sampleErrors, long leakedBits,
        double epsilonSecrecy, double epsilonCorrectness)
    {
        var length = block switch
        {
            { Counts: { } counts } => OneDecoyFiniteKey.SecretKeyLength(counts, leakedBits, epsilonSecrecy, epsilonCorrectness).SecretBits,
            { VacuumWeak: { } vw } => VacuumWeakSignalKey.SecretKeyLength(vw, leakedBits, epsilonSecrecy, epsilonCorrectness),
            { SinglePhoton: { } single } => DecoyKeyLength.SecretKeyLength(reconciledBits, single, leakedBits, epsilonSecrecy, epsilonCorrectness),
            _ => Bb84FiniteKey.SecretKeyLength(reconciledBits, sampleBits, (double)sampleErrors / sampleBits, leakedBits, epsilonSecrecy, epsilonCorrectness),
        };
        return (int)Math.Clamp(length, 0, reconciledBits);
    }

    /// <summary>Alice's closing message; absorbs its body into <paramref name="transcript"/> before tagging it.</summary>
    public static byte[] WriteAlice(ulong hashKey, BitString key, BitString seed, int secretBits, TranscriptHash transcript, ulong alicePad)
    {
        var seedBytes = (seed.Length + 7) / 8;
        var message = new byte[HeaderBytes + seedBytes + TagBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(message, hashKey);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(8), ErrorVerification.Tag(hashKey, key));
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), secretBits);
        BitString.WriteBytes(seed.Words, seed.Length, message.AsSpan(HeaderBytes));
        var body = message.AsSpan(0, HeaderBytes + seedBytes);
        transcript.Absorb(Party.Alice, body);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(body.Length), transcript.Tag(alicePad));
        return message;
    }

    /// <summary>
    /// Bob's side: absorbs Alice's message, checks her tag, the message's shape and the verification hash against his
    /// key, and amplifies when all hold (<paramref name="secret"/>). Returns his status; the caller answers with
    /// <see cref="WriteBob"/>.
    /// </summary>
    public static byte CheckAlice(ReadOnlySpan<byte> message, BitString key, TranscriptHash transcript, ulong alicePad, out BitString? secret)
    {
        secret = null;
        var n = key.Length;
        if (message.Length < HeaderBytes + TagBytes)
        {
            transcript.Absorb(Party.Alice, message);
            return StatusAuthenticationFailure;
        }
        var body = message[..^TagBytes];
        transcript.Absorb(Party.Alice, body);
        var aliceTag = BinaryPrimitives.ReadUInt64LittleEndian(message[body.Length..]);
        var secretBits = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        if (!ErrorVerification.TagsEqual(transcript.Tag(alicePad), aliceTag)
            || secretBits < 0 || secretBits > n || body.Length != HeaderBytes + (ToeplitzHash.SeedBits(n, secretBits) + 7) / 8)
        {
            return StatusAuthenticationFailure;
        }
        var hashKey = BinaryPrimitives.ReadUInt64LittleEndian(body);
        var verificationTag = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        if (!ErrorVerification.TagsEqual(ErrorVerification.Tag(hashKey, key), verificationTag))
        {
            return StatusFrameError;
        }
        secret = ToeplitzHash.Hash(BitString.FromBytes(body[HeaderBytes..], ToeplitzHash.SeedBits(n, secretBits)), key, secretBits);
        return StatusOk;
    }

    /// <summary>Bob's answer: the status byte, absorbed, then his tag over the whole transcript.</summary>
    public static byte[] WriteBob(byte status, TranscriptHash transcript, ulong bobPad)
    {
        var reply = new byte[1 + TagBytes];
        reply[0] = status;
        transcript.Absorb(Party.Bob, reply.AsSpan(0, 1));
        BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(1), transcript.Tag(bobPad));
        return reply;
    }

    /// <summary>Alice's check of Bob's answer: his status when his tag covers the transcript as she saw it, else an authentication failure.</summary>
    public static BlockOutcome CheckBob(ReadOnlySpan<byte> message, TranscriptHash transcript, ulong bobPad)
    {
        if (message.Length != 1 + TagBytes)
        {
            return BlockOutcome.AuthenticationFailure;
        }
        transcript.Absorb(Party.Bob, message[..1]);
        var tag = BinaryPrimitives.ReadUInt64LittleEndian(message[1..]);
        return ErrorVerification.TagsEqual(transcript.Tag(bobPad), tag) ? OutcomeOf(message[0]) : BlockOutcome.AuthenticationFailure;
    }

    /// <summary>The block outcome a status byte stands for (anything unknown: an authentication failure).</summary>
    public static BlockOutcome OutcomeOf(byte status) => status switch
    {
        StatusOk => BlockOutcome.Secret,
        StatusFrameError => BlockOutcome.FrameError,
        _ => BlockOutcome.AuthenticationFailure,
    };
}
