using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

/// <summary>
/// The pipeline's secret randomness comes from <see cref="PostProcessingOptions.SecretRandom"/>: the system CSPRNG by
/// default, a deterministic source when a test injects one. Replaying a run this way is safe only because these keys
/// protect nothing; the hosts (qkd, the KMS, the testbed) never inject one.
/// </summary>
public class SecretRandomInjectionTests
{
    /// <summary>A seeded, replayable source: for tests only (anyone with the seed knows the keys).</summary>
    private sealed class ReplayableSecretRandom(int seed, ReplayableSecretRandom? parent = null) : ISecretRandom
    {
        private readonly Random _random = new(seed);

        /// <summary>Draws from this source and every block's stream derived from it.</summary>
        public int Draws { get; private set; }

        public void Fill(Span<ulong> destination) => Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));

        public void Fill(Span<byte> destination)
        {
            Draws++;
            if (parent is not null)
            {
                parent.Draws++;
            }
            _random.NextBytes(destination);
        }

        public ulong NextUInt64()
        {
            Span<ulong> one = stackalloc ulong[1];
            Fill(one);
            return one[0];
        }

        public ISecretRandom ForBlock(long block) => new ReplayableSecretRandom(unchecked((seed * 7919) + (int)block + 1), parent ?? this);
    }

    private static async Task<byte[]> FinalKeyAsync(PostProcessingOptions options)
    {
        // One block: its draws (pre-shared key, sample positions, hash key, privacy-amplification seed) come in a fixed order.
        var blocks = BinarySymmetricChannel.Blocks(100_000, 0.02, 1, 14);
        var result = await PostProcessingPipeline.RunAsync(blocks, options, TimeProvider.System);
        Assert.Equal(BlockOutcome.Secret, result.Report.Blocks[0].Outcome);
        Assert.Equal(result.AliceKeys[0]!.ToBytes(), result.BobKeys[0]!.ToBytes());
        return result.AliceKeys[0]!.ToBytes();
    }

    [Fact]
    public void Options_ByDefault_UseTheSystemCsprng()
        => Assert.Same(CryptoRandom.Shared, new PostProcessingOptions().SecretRandom);

    [Fact]
    public async Task RunAsync_SameInjectedSeed_ReplaysTheSameFinalKey()
    {
        var first = new ReplayableSecretRandom(seed: 14);
        var second = new ReplayableSecretRandom(seed: 14);

        var a = await FinalKeyAsync(new PostProcessingOptions { SecretRandom = first });
        var b = await FinalKeyAsync(new PostProcessingOptions { SecretRandom = second });

        Assert.Equal(a, b);
        Assert.True(first.Draws >= 4, $"the pipeline drew {first.Draws} times from the injected source");
        Assert.Equal(first.Draws, second.Draws);
    }

    [Fact]
    public async Task RunAsync_OtherInjectedSeedOrSystemSource_GivesAnotherFinalKey()
    {
        var replayed = await FinalKeyAsync(new PostProcessingOptions { SecretRandom = new ReplayableSecretRandom(seed: 14) });
        var otherSeed = await FinalKeyAsync(new PostProcessingOptions { SecretRandom = new ReplayableSecretRandom(seed: 15) });
        var system = await FinalKeyAsync(new PostProcessingOptions());

        Assert.NotEqual(replayed, otherSeed);
        Assert.NotEqual(replayed, system);
    }
}
