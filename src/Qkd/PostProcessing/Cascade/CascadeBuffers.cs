using System.Buffers;

namespace Qkd.PostProcessing;

/// <summary>
/// Where Cascade's working buffers come from: key copies and parity trees (<see cref="Words"/>) and Bob's lists of
/// open searches (<see cref="Searches"/>). One reconciliation at a time does well with the shared pools; a pipeline
/// with many blocks in flight uses its own pools, sized so the blocks that start reuse the buffers of the blocks
/// that finished (the shared pools keep only a few arrays per size and core).
/// </summary>
internal sealed class CascadeBuffers(ArrayPool<ulong> words, ArrayPool<CascadeSearch> searches, MessageRecycler? messages = null)
{
    /// <summary>The process-wide shared pools.</summary>
    public static CascadeBuffers Shared { get; } = new(ArrayPool<ulong>.Shared, ArrayPool<CascadeSearch>.Shared);

    public ArrayPool<ulong> Words { get; } = words;

    public ArrayPool<CascadeSearch> Searches { get; } = searches;

    /// <summary>Where query and answer messages come from (null: fresh arrays, as for Cascade alone).</summary>
    public MessageRecycler? Messages { get; } = messages;

    /// <summary>Pools for <paramref name="blocksInFlight"/> blocks at once (both parties, every pass of each).</summary>
    public static CascadeBuffers ForBlocksInFlight(int blocksInFlight)
    {
        var blocks = Math.Clamp(blocksInFlight, 1, 1024);
        return new CascadeBuffers(ArrayPool<ulong>.Create(1 << 24, blocks * 48), ArrayPool<CascadeSearch>.Create(1 << 22, blocks * 4), new MessageRecycler());
    }
}
