using System.Buffers.Binary;

namespace Qkd.PostProcessing;

/// <summary>
/// Wire format of the Cascade exchange (all integers little-endian):
/// <list type="bullet">
/// <item><c>Tops</c> (Alice to Bob, first message): tag, then the block parities of every normal pass, packed 8 per byte, pass after pass.</item>
/// <item><c>Queries</c> (Bob to Alice): tag, int32 BICONF round requested (-1: none), int32 count, then count x (uint8 pass, int32 start, int32 length).</item>
/// <item><c>Answers</c> (Alice to Bob): tag, the parities of the queried ranges packed 8 per byte, then one byte with the BICONF block parity if requested.</item>
/// <item><c>Done</c> (Bob to Alice): tag only.</item>
/// </list>
/// Every parity bit Alice sends is counted as leaked information.
/// </summary>
public static class CascadeMessage
{
    /// <summary>Alice's block parities of all normal passes.</summary>
    public const byte Tops = 1;

    /// <summary>Bob's batch of parity questions.</summary>
    public const byte Queries = 2;

    /// <summary>Alice's batch of answers.</summary>
    public const byte Answers = 3;

    /// <summary>Bob has finished.</summary>
    public const byte Done = 4;

    /// <summary>Bytes of one query entry.</summary>
    public const int QueryBytes = 9;

    /// <summary>Header bytes of a query message.</summary>
    public const int QueryHeaderBytes = 9;

    /// <summary>
    /// Reads Alice's tops payload (after the tag): the block parities of pass p into <paramref name="tops"/>[p], packed
    /// 64 per word. Returns the parity bits it carried.
    /// </summary>
    internal static long ReadTops(ReadOnlySpan<byte> payload, CascadePlan plan, ulong[]?[] tops)
    {
        var offset = 0;
        long leaked = 0;
        Span<byte> tail = stackalloc byte[8];
        for (var p = 0; p < plan.NormalPasses; p++)
        {
            var pass = plan.Pass(p);
            var bytes = (pass.BlockCount + 7) >> 3;
            if (offset + bytes > payload.Length)
            {
                throw new ArgumentException($"Cascade tops message is {payload.Length + 1} bytes, too short for the plan's {plan.NormalPasses} passes.", nameof(payload));
            }
            var words = new ulong[(pass.BlockCount + 63) >> 6];
            var source = payload.Slice(offset, bytes);
            for (var w = 0; w < words.Length; w++)
            {
                var chunk = source[(8 * w)..];
                if (chunk.Length >= 8)
                {
                    words[w] = BinaryPrimitives.ReadUInt64LittleEndian(chunk);
                }
                else
                {
                    tail.Clear();
                    chunk.CopyTo(tail);
                    words[w] = BinaryPrimitives.ReadUInt64LittleEndian(tail);
                }
            }
            // Bits past the pass's block count (padding of its last byte) are never read.
            tops[p] = words;
            offset += bytes;
            leaked += pass.BlockCount;
        }
        return leaked;
    }

    /// <summary>Bob's query message for <paramref name="searches"/>: each asks the parity of its range's left half.</summary>
    internal static byte[] WriteQueries(CascadeSearchList searches, int biconfRound, MessageRecycler? messages = null)
    {
        var count = searches.Count;
        var length = QueryHeaderBytes + count * QueryBytes;
        var message = messages?.Rent(length) ?? new byte[length];
        message[0] = Queries;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), biconfRound);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(5), count);
        var offset = QueryHeaderBytes;
        for (var i = 0; i < count; i++)
        {
            var s = searches[i];
            message[offset] = (byte)s.Pass;
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 1), s.Start);
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 5), (s.Length + 1) >> 1);
            offset += QueryBytes;
        }
        return message;
    }
}
