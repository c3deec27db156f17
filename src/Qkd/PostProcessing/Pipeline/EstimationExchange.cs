using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// Stage 1 of a block, parameter estimation by a disclosed random sample, both ends of its one exchange: Alice's
/// message (int32 k, the sample mask over the n sifted bits, her k sample bits; bit i = bit i % 8 of byte i / 8) and
/// Bob's answer (int32 number of disagreements). Both then drop the sample (<see cref="KeySampling"/>); the estimate
/// itself is <see cref="QberEstimate.FromSample"/>. Working buffers are pooled; none outlives a call.
/// </summary>
internal static class EstimationExchange
{
    /// <summary>Bytes of Bob's answer.</summary>
    public const int AnswerBytes = 4;

    /// <summary>Alice's message: k, the mask and her bits at the masked positions.</summary>
    public static byte[] WriteSample(BitString key, BitString mask, int sampleBits)
    {
        var n = key.Length;
        var maskBytes = (n + 7) / 8;
        var message = new byte[4 + maskBytes + (sampleBits + 7) / 8];
        BinaryPrimitives.WriteInt32LittleEndian(message, sampleBits);
        BitString.WriteBytes(mask.Words, n, message.AsSpan(4));
        var words = BitString.WordCount(sampleBits);
        var sample = ArrayPool<ulong>.Shared.Rent(Math.Max(1, words));
        Array.Clear(sample, 0, words);
        KeySampling.Compact(key.Words, n, mask.Words, keepSet: true, sample);
        BitString.WriteBytes(sample.AsSpan(0, words), sampleBits, message.AsSpan(4 + maskBytes));
        // These bits are disclosed, but the buffer returns to a shared pool: leave no key bits in it.
        Array.Clear(sample, 0, words);
        ArrayPool<ulong>.Shared.Return(sample);
        return message;
    }

    /// <summary>The number of disagreements in Bob's answer, within [0, <paramref name="sampleBits"/>].</summary>
    public static int ReadErrors(ReadOnlySpan<byte> answer, int sampleBits)
    {
        Guard.SameLength(answer.Length, AnswerBytes, "Parameter-estimation reply");
        return (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(answer), 0, sampleBits);
    }

    /// <summary>
    /// Bob's side: checks Alice's message against his sifted key <paramref name="bob"/>, counts the disagreements and
    /// returns his answer and his key without the sample (<paramref name="kept"/>).
    /// </summary>
    public static byte[] Answer(ReadOnlySpan<byte> message, BitString bob, out int sampleBits, out int errors, out BitString kept)
    {
        var n = bob.Length;
        var maskBytes = (n + 7) / 8;
        sampleBits = (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 1, n);
        Guard.SameLength(message.Length, 4 + maskBytes + (sampleBits + 7) / 8, "Parameter-estimation message");
        var words = BitString.WordCount(n);
        var sampleWords = BitString.WordCount(sampleBits);
        var pool = ArrayPool<ulong>.Shared;
        var mask = pool.Rent(words);
        var alice = pool.Rent(sampleWords);
        var own = pool.Rent(sampleWords);
        try
        {
            BitString.ReadBytes(message.Slice(4, maskBytes), n, mask);
            Guard.SameLength(BitString.PopCount(mask.AsSpan(0, words)), sampleBits, "Sample mask weight");
            BitString.ReadBytes(message[(4 + maskBytes)..], sampleBits, alice);
            Array.Clear(own, 0, sampleWords);
            KeySampling.Compact(bob.Words, n, mask, keepSet: true, own);
            errors = 0;
            for (var w = 0; w < sampleWords; w++)
            {
                errors += BitOperations.PopCount(own[w] ^ alice[w]);
            }
            kept = new BitString(n - sampleBits);
            KeySampling.Compact(bob.Words, n, mask, keepSet: false, kept.MutableWords);
        }
        finally
        {
            Array.Clear(own, 0, sampleWords);
            pool.Return(mask);
            pool.Return(alice);
            pool.Return(own);
        }
        var answer = new byte[AnswerBytes];
        BinaryPrimitives.WriteInt32LittleEndian(answer, errors);
        return answer;
    }
}
