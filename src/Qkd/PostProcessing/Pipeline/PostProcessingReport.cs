using System.Collections.Immutable;

namespace Qkd.PostProcessing;

/// <summary>Summary of a post-processing run.</summary>
/// <param name="Method">Cascade variant name.</param>
/// <param name="Blocks">One report per block, in order.</param>
/// <param name="InputBits">Sifted bits in.</param>
/// <param name="SecretBits">Secret bits delivered, after the authentication pool was replenished from them (see AuthenticationKeyReplenishedBits).</param>
/// <param name="FrameErrors">Blocks discarded after verification.</param>
/// <param name="FrameErrorRate">Frame errors / reconciled blocks.</param>
/// <param name="MeanEfficiency">Mean f over blocks with QBER above 0.</param>
/// <param name="LeakedBits">Sum of lambda_EC.</param>
/// <param name="RoundTrips">Sum of per-block round trips.</param>
/// <param name="ChannelMessages">Authenticated channel messages (after coalescing blocks in flight), both directions.</param>
/// <param name="BytesExchanged">Bytes on the channel, both directions, with framing and tags.</param>
/// <param name="AuthenticationKeySpentBits">Authentication key consumed by both directions' tags.</param>
/// <param name="AuthenticationKeyReplenishedBits">Generated key moved into the authentication pool.</param>
/// <param name="EpsilonSecrecy">eps_sec of every block.</param>
/// <param name="EpsilonCorrectness">Largest eps_cor of a block.</param>
/// <param name="EpsilonAuthentication">Bound on accepting any forged message in the run (union over messages).</param>
/// <param name="ElapsedSeconds">Wall-clock duration from the injected time provider [s].</param>
/// <param name="ThroughputBitsPerSecond">Input bits of the blocks that produced key, per wall-clock second (aborted and discarded blocks do not count).</param>
/// <param name="SimulatedSeconds">Makespan on simulated time: the latency cost of all round trips with the blocks in flight [s].</param>
/// <param name="SimulatedThroughputBitsPerSecond">Input bits per simulated second (latency-bound throughput; infinite without latency).</param>
public sealed record PostProcessingReport(
    string Method, ImmutableArray<BlockReport> Blocks, long InputBits, long SecretBits, int FrameErrors,
    double FrameErrorRate, double MeanEfficiency, long LeakedBits, long RoundTrips, long ChannelMessages,
    long BytesExchanged, long AuthenticationKeySpentBits, long AuthenticationKeyReplenishedBits,
    double EpsilonSecrecy, double EpsilonCorrectness, double EpsilonAuthentication, double ElapsedSeconds,
    double ThroughputBitsPerSecond, double SimulatedSeconds, double SimulatedThroughputBitsPerSecond)
{
    /// <summary>Secret bits of the blocks that produced key, before the authentication pool was replenished from them.</summary>
    public long GrossSecretBits { get; init; }

    /// <summary>Blocks that ended without reconciliation: QBER above threshold, authentication failure, no authentication key, channel failure.</summary>
    public int AbortedBlocks { get; init; }

    /// <summary>Aborted blocks by reason (<see cref="PostProcessingPipeline.ReasonName"/>).</summary>
    public ImmutableSortedDictionary<string, int> AbortReasons { get; init; } = ImmutableSortedDictionary<string, int>.Empty;

    /// <summary>True when a block could not run because the authentication key was used up: key delivery stopped.</summary>
    public bool AuthenticationKeyExhausted { get; init; }

    /// <summary>Authentication key left in the pool at the end [bits].</summary>
    public long AuthenticationKeyLeftBits { get; init; }
}
