using System.Buffers.Binary;

namespace Qkd.PostProcessing;

/// <summary>
/// The framing of the pipeline's channel messages (<see cref="PartyLoop"/>), all integers little-endian: int64
/// simulated send time [100 ns ticks], int32 batch number (messages of an earlier batch are skipped), int32 frame
/// count, then per frame int32 block index, int32 sequence number (the sender's frame count for that block), int32
/// length (-1: the sender aborted the block) and the payload. Not authenticated: the blocks' transcript tags are.
/// </summary>
internal static class PipelineFrames
{
    private const int HeaderBytes = 16;
    private const int FrameHeaderBytes = 12;
    private const int AbortLength = -1;

    /// <summary>One frame of a received message: block, sequence number, abort notice or payload (a slice of the message).</summary>
    internal readonly record struct Frame(int Block, int Seq, bool Aborted, ReadOnlyMemory<byte> Payload);

    /// <summary>A message of an earlier batch on the same channel (an answer to a last abort notice).</summary>
    public static bool IsStale(ReadOnlySpan<byte> message, int epoch) => message.Length >= HeaderBytes && BinaryPrimitives.ReadInt32LittleEndian(message[8..]) < epoch;

    /// <summary>
    /// Parses a message of batch <paramref name="epoch"/> into <paramref name="frames"/> (payloads are slices of the
    /// message, not copies); false, with no frames, when it is not a well-formed message of this batch.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> memory, int epoch, List<Frame> frames, out long sendTicks)
    {
        frames.Clear();
        sendTicks = 0;
        var message = memory.Span;
        if (message.Length < HeaderBytes)
        {
            return false;
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(message[12..]);
        if (BinaryPrimitives.ReadInt32LittleEndian(message[8..]) != epoch || count < 0 || count > (message.Length - HeaderBytes) / FrameHeaderBytes)
        {
            return false;
        }
        var offset = HeaderBytes;
        for (var i = 0; i < count; i++)
        {
            if (offset + FrameHeaderBytes > message.Length)
            {
                frames.Clear();
                return false;
            }
            var block = BinaryPrimitives.ReadInt32LittleEndian(message[offset..]);
            var seq = BinaryPrimitives.ReadInt32LittleEndian(message[(offset + 4)..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(message[(offset + 8)..]);
            if (block < 0 || length < AbortLength || (long)offset + FrameHeaderBytes + Math.Max(0, length) > message.Length)
            {
                frames.Clear();
                return false;
            }
            frames.Add(new Frame(block, seq, length == AbortLength, memory.Slice(offset + FrameHeaderBytes, Math.Max(0, length))));
            offset += FrameHeaderBytes + Math.Max(0, length);
        }
        sendTicks = BinaryPrimitives.ReadInt64LittleEndian(message);
        return true;
    }

    /// <summary>Bytes of the message that carries <paramref name="outgoing"/> (a null payload is an abort notice).</summary>
    public static int EncodedSize(List<(int Block, byte[]? Payload)> outgoing)
    {
        var size = HeaderBytes;
        foreach (var (_, payload) in outgoing)
        {
            size += FrameHeaderBytes + (payload?.Length ?? 0);
        }
        return size;
    }

    /// <summary>
    /// Writes the message (exactly <see cref="EncodedSize"/> bytes), numbering each block's frames from
    /// <paramref name="sentFrames"/>.
    /// </summary>
    public static void Encode(Span<byte> message, long clock, int epoch, List<(int Block, byte[]? Payload)> outgoing, int[] sentFrames)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, clock);
        BinaryPrimitives.WriteInt32LittleEndian(message[8..], epoch);
        BinaryPrimitives.WriteInt32LittleEndian(message[12..], outgoing.Count);
        var offset = HeaderBytes;
        foreach (var (block, payload) in outgoing)
        {
            BinaryPrimitives.WriteInt32LittleEndian(message[offset..], block);
            BinaryPrimitives.WriteInt32LittleEndian(message[(offset + 4)..], sentFrames[block]++);
            BinaryPrimitives.WriteInt32LittleEndian(message[(offset + 8)..], payload?.Length ?? AbortLength);
            payload?.CopyTo(message[(offset + FrameHeaderBytes)..]);
            offset += FrameHeaderBytes + (payload?.Length ?? 0);
        }
    }
}
