using System.Security.Cryptography;
using Qkd.Bits;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

/// <summary>
/// Seeded end-to-end snapshots of the pipeline (issue 12's speed work must not change a key): with a replayable
/// secret-randomness source, the SHA-256 of every block's final key, its leaked bits and round trips are pinned for
/// Cascade-original, Cascade-opt8 and decoy-count blocks. Re-baseline only on purpose (a protocol change).
/// </summary>
public class PipelineKeySnapshotTests
{
    // Snapshots taken on main 22663ab, before the allocation work of issue 12.

    /// <summary>Secret randomness from a seeded simulation stream: tests only (anyone with the seed knows the keys).</summary>
    private sealed class SeededStream(ulong seed) : ISecretRandom
    {
        private SimRandom _stream = SimRandom.ForStream(seed, 77);

        public void Fill(Span<ulong> destination) => _stream.Fill(destination);

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)_stream.NextUInt64();
            }
        }

        public ulong NextUInt64() => _stream.NextUInt64();
    }

    private static async Task<string> FingerprintAsync(string method, int blockCount, int inFlight, bool parallelFrames = false)
    {
        var variant = CascadeVariant.FromName(method)!;
        var blocks = BinarySymmetricChannel.Blocks(30_000, 0.02, blockCount, 2026);
        var options = new PostProcessingOptions
        {
            Variant = variant, MaxBlocksInFlight = inFlight, SecretRandom = new SeededStream(5), ParallelFrames = parallelFrames,
        };
        var result = await PostProcessingPipeline.RunAsync(blocks, options, TimeProvider.System);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = result.Report.Blocks[i];
            Assert.Equal(BlockOutcome.Secret, block.Outcome);
            Assert.Equal(result.AliceKeys[i], result.BobKeys[i]);
            sha.AppendData(result.AliceKeys[i]!.ToBytes());
            sha.AppendData(BitConverter.GetBytes(block.LeakedBits));
            sha.AppendData(BitConverter.GetBytes(block.RoundTrips));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    [Theory]
    [InlineData("cascade-opt8", 6, 4, "5700CBA32BBF72AA")]
    [InlineData("cascade-original", 6, 4, "EE644ECD78A3113B")]
    [InlineData("cascade-biconf", 3, 1, "5A28F58962B7BC9C")]
    public async Task SeededRun_FinalKeysLeakageAndRoundTrips_MatchSnapshot(string method, int blocks, int inFlight, string expected)
        => Assert.Equal(expected, await FingerprintAsync(method, blocks, inFlight));

    // Frames on one thread or shared with the partner thread (FramePartner): the steps that draw secret randomness run
    // in frame order either way, so the keys are the same.
    [Theory]
    [InlineData("cascade-opt8", 6, 4, "5700CBA32BBF72AA")]
    [InlineData("cascade-original", 6, 4, "EE644ECD78A3113B")]
    public async Task SeededRun_FramesSharedWithPartnerThread_MatchSameSnapshot(string method, int blocks, int inFlight, string expected)
        => Assert.Equal(expected, await FingerprintAsync(method, blocks, inFlight, parallelFrames: true));
}
