using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.PostProcessing;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// Where a 10^5-bit block's time goes in the whole pipeline (issue 12, "a pipeline as fast as its parts"): Cascade
/// alone (both parties on the benchmark thread, the baseline) beside the whole pipeline (<c>qkd postprocess</c>'s
/// path: estimation, Cascade over the in-memory channel with 64 blocks in flight, frames on the receiving thread, or shared with a partner thread, verification, privacy
/// amplification, transcript authentication) on the same blocks (10^5 bits, QBER 2 %), and each stage's own cost
/// per block (both parties). All figures are per block (OperationsPerInvoke), so Mbit/s = 10^5 / (mean in us) and
/// the Ratio column is the stage's (or the pipeline's) time over Cascade alone in the same run. The pipeline rows run
/// 256 blocks (the first 32 are the baseline's), the others 32.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const int Blocks = 32;

    /// <summary>
    /// Blocks per pipeline run: as in <c>qkd postprocess --runs 400</c>, several times the 64 blocks in flight, so the
    /// run-scoped buffer pools are reused by later blocks as they are in the command (a 32-block run would have every
    /// block in flight at once and measure only the pools' first fill).
    /// </summary>
    private const int PipelineBlocks = 256;
    private const int Bits = 100_000;
    private const double Qber = 0.02;
    private IReadOnlyList<SiftedBlock> _blocks = null!;
    private IReadOnlyList<SiftedBlock> _pipelineBlocks = null!;
    private CascadeShuffles _shuffles = null!;
    private BitString _bob = null!;
    private BitString _kept = null!;
    private BitString _seed = null!;
    private byte[] _transcript = null!;
    private int _secretBits;

    [Params("cascade-opt8", "cascade-original")]
    public string Method { get; set; } = "cascade-opt8";

    private CascadeVariant Variant => CascadeVariant.FromName(Method) ?? throw new InvalidOperationException(Method);

    [GlobalSetup]
    public void Setup()
    {
        _blocks = BinarySymmetricChannel.Blocks(Bits, Qber, Blocks, 2026);
        _pipelineBlocks = BinarySymmetricChannel.Blocks(Bits, Qber, PipelineBlocks, 2026);
        _shuffles = new CascadeShuffles(Bits, 0x5EED);
        _bob = new BitString(Bits);
        var kept = Bits - BlockProtocol.SampleSize(Bits, 0.1);
        _kept = _blocks[0].Alice.Slice(0, kept);
        // Output length and transcript size of a typical block at 2 % (qkd postprocess: ~43,000 secret bits,
        // ~150 kB exchanged per block).
        _secretBits = 43_000;
        var random = SimRandom.ForStream(7, 0);
        _seed = BitString.Random(ToeplitzHash.SeedBits(kept, _secretBits), ref random);
        _transcript = new byte[150_000];
        new Random(7).NextBytes(_transcript);
    }

    /// <summary>Cascade alone on the block's 10^5 bits, both parties on this thread.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Blocks)]
    public long CascadeAlone()
    {
        long leaked = 0;
        foreach (var block in _blocks)
        {
            block.Bob.Words.CopyTo(_bob.MutableWords);
            leaked += CascadeReconciler.Reconcile(new CascadePlan(Variant, Qber, _shuffles), block.Alice, _bob).LeakedBits;
        }
        return leaked;
    }

    /// <summary>The whole pipeline on the same blocks on one lane (64 blocks in flight, one conversation).</summary>
    [Benchmark(OperationsPerInvoke = PipelineBlocks)]
    public long Pipeline()
    {
        var options = new PostProcessingOptions { Variant = Variant, MaxBlocksInFlight = 64 };
        var result = PostProcessingPipeline.RunAsync(_pipelineBlocks, options, TimeProvider.System).GetAwaiter().GetResult();
        return result.Report.SecretBits;
    }

    /// <summary>
    /// The same on one lane per core (<c>Lanes = Environment.ProcessorCount</c>, as <c>qkd postprocess</c> runs by
    /// default): each lane its own conversation and thread, 64 / lanes blocks in flight each. Wall clock per block.
    /// </summary>
    [Benchmark(OperationsPerInvoke = PipelineBlocks)]
    public long PipelineLanes()
    {
        var options = new PostProcessingOptions { Variant = Variant, MaxBlocksInFlight = 64, Lanes = Environment.ProcessorCount };
        var result = PostProcessingPipeline.RunAsync(_pipelineBlocks, options, TimeProvider.System).GetAwaiter().GetResult();
        return result.Report.SecretBits;
    }

    /// <summary>The same with each message's frames shared with a partner thread (<c>ParallelFrames = true</c>, <see cref="FramePartner"/>).</summary>
    [Benchmark(OperationsPerInvoke = PipelineBlocks)]
    public long PipelineParallelFrames()
    {
        var options = new PostProcessingOptions { Variant = Variant, MaxBlocksInFlight = 64, ParallelFrames = true };
        var result = PostProcessingPipeline.RunAsync(_pipelineBlocks, options, TimeProvider.System).GetAwaiter().GetResult();
        return result.Report.SecretBits;
    }

    /// <summary>Parameter estimation, both parties: sample mask, Alice's and Bob's sample bits, both keys without the sample.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public int Estimation()
    {
        var total = 0;
        foreach (var block in _blocks)
        {
            var mask = KeySampling.ChoosePositions(Bits, BlockProtocol.SampleSize(Bits, 0.1), CryptoRandom.Shared);
            var errors = KeySampling.Select(block.Alice, mask).HammingDistance(KeySampling.Select(block.Bob, mask));
            total += errors + KeySampling.Remove(block.Alice, mask).Length + KeySampling.Remove(block.Bob, mask).Length;
        }
        return total;
    }

    /// <summary>Privacy amplification, both parties (9 x 10^4 kept bits to 43,000).</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public int Toeplitz()
    {
        var total = 0;
        for (var i = 0; i < Blocks; i++)
        {
            total += ToeplitzHash.Hash(_seed, _kept, _secretBits).Length + ToeplitzHash.Hash(_seed, _kept, _secretBits).Length;
        }
        return total;
    }

    /// <summary>Transcript authentication, both parties: 150 kB of messages into the GF(2^64) polynomial hash.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public ulong Transcript()
    {
        ulong tag = 0;
        for (var i = 0; i < Blocks; i++)
        {
            var alice = new TranscriptHash(0x9E3779B97F4A7C15UL, i);
            var bob = new TranscriptHash(0x9E3779B97F4A7C15UL, i);
            alice.Absorb(Party.Alice, _transcript);
            bob.Absorb(Party.Alice, _transcript);
            tag ^= alice.Tag(1) ^ bob.Tag(2);
        }
        return tag;
    }

    /// <summary>Verification hash, both parties.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public ulong Verification()
    {
        ulong tag = 0;
        for (var i = 0; i < Blocks; i++)
        {
            tag ^= ErrorVerification.Tag((ulong)i + 1, _kept) ^ ErrorVerification.Tag((ulong)i + 2, _kept);
        }
        return tag;
    }
}
