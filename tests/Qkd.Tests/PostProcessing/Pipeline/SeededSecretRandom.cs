using Qkd.Bits;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

/// <summary>
/// Secret randomness from a seeded simulation stream: tests only (anyone with the seed knows the keys). Block i of a
/// run draws from stream 2^32 + <paramref name="firstBlock"/> + i of the same seed, so a block run alone with
/// <c>firstBlock = i</c> draws exactly what it draws as block i of a longer run. With
/// <paramref name="oneStreamForAllBlocks"/> every block draws from this one stream instead, in the order the blocks
/// happen to draw (how the pipeline drew before lanes: replayable on one lane only).
/// </summary>
internal sealed class SeededSecretRandom(ulong seed, long firstBlock = 0, ulong stream = 77, bool oneStreamForAllBlocks = false) : ISecretRandom
{
    private SimRandom _stream = SimRandom.ForStream(seed, stream);

    public void Fill(Span<ulong> destination) => _stream.Fill(destination);

    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)_stream.NextUInt64();
        }
    }

    public ulong NextUInt64() => _stream.NextUInt64();

    public ISecretRandom ForBlock(long block)
        => oneStreamForAllBlocks ? this : new SeededSecretRandom(seed, 0, (1UL << 32) + (ulong)(firstBlock + block));
}
