using System.Text.Json.Serialization;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.PostProcessing;

/// <summary>Settings of a post-processing run; validated once here.</summary>
public sealed record PostProcessingOptions
{
    /// <summary>Cascade variant (default: the most efficient).</summary>
    public CascadeVariant Variant { get; init; } = CascadeVariant.Default;

    /// <summary>When set, reconciliation is one-way LDPC (<c>--method ldpc</c>) instead of Cascade.</summary>
    public LdpcOptions? Ldpc { get; init; }

    /// <summary>The reconciliation method's name: the Cascade variant's, or <c>ldpc</c>.</summary>
    public string MethodName => Ldpc is null ? Variant.Name : LdpcOptions.MethodName;

    /// <summary>eps_sec, the secrecy parameter of the finite-key bound.</summary>
    public double EpsilonSecrecy { get; init; } = 1e-10;

    /// <summary>Fraction of each block disclosed for parameter estimation when no decoy counts are given.</summary>
    public double SampleFraction { get; init; } = 0.1;

    /// <summary>Blocks processed concurrently (each with its own conversation on the shared channel).</summary>
    public int MaxBlocksInFlight { get; init; } = 32;

    /// <summary>
    /// Lanes that reconcile blocks at once: each lane is its own conversation (its own channel pair, its own Alice and
    /// Bob loops on one thread) and takes every lanes-th block of a batch end to end, with
    /// ceil(<see cref="MaxBlocksInFlight"/> / lanes) of them in flight; 1 (the default) is one conversation for all
    /// blocks. A host sets it to its core count (<c>qkd postprocess --lanes</c>, default the processor count). Keys,
    /// leakage and round trips do not depend on it: every block draws its own secret randomness
    /// (<see cref="ISecretRandom.ForBlock"/>) and gets its authentication pads by block index.
    /// </summary>
    public int Lanes { get; init; } = 1;

    /// <summary>
    /// Share the frames of each channel message with a second thread (<see cref="FramePartner"/>: one compare-and-swap
    /// per frame, no task per message) instead of handling them one after the other on the receiving thread. Off by
    /// default: on the shared 2-core machine it used both cores but did not shorten the run (docs/postprocessing.md,
    /// pipeline speed, third round). The steps that draw secret randomness run in frame order in both modes, so the
    /// keys are the same.
    /// </summary>
    public bool ParallelFrames { get; init; }

    /// <summary>Public seed of the Cascade shuffles for the session.</summary>
    public ulong ShuffleSeed { get; init; } = 0x5EED;

    /// <summary>One-way latency of the classical channel for the simulated-time makespan (zero: none).</summary>
    public TimeSpan SimulatedOneWayLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Pre-shared authentication key size when the pipeline creates one [bits].</summary>
    public int PreSharedKeyBits { get; init; } = 1 << 20;

    /// <summary>Refill the authentication pool from the generated key after each batch (in block order).</summary>
    public bool ReplenishAuthenticationKey { get; init; } = true;

    /// <summary>
    /// Blocks per batch: the authentication pool is replenished from the delivered key between batches (default
    /// 1,024, i.e. 128 kbit of authentication key per batch against the 1 Mbit pre-shared key).
    /// </summary>
    public int BatchBlocks { get; init; } = 1024;

    /// <summary>How long a party waits for the next classical message before it ends the open blocks without key.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Messages one party accepts for one block before it aborts the block: honest Cascade needs a few hundred
    /// (about 450 round trips for 10^5 bits at 2 %); a man in the middle who changed a parity can make Cascade chase
    /// it without end, and this cuts such a conversation off (its transcript tag would fail anyway).
    /// </summary>
    public int MaxMessagesPerBlock { get; init; } = 20_000;

    /// <summary>
    /// Where the run's secret randomness comes from (sample positions, verification hash keys, privacy-amplification
    /// seeds, the fresh pre-shared key of the in-memory run): the system CSPRNG (<see cref="CryptoRandom.Shared"/>)
    /// unless the host injects another <see cref="ISecretRandom"/>. A deterministic source makes a run replayable in
    /// tests; never use one where the keys are used (see <see cref="ISecretRandom"/>). Not part of any JSON.
    /// </summary>
    [JsonIgnore]
    public ISecretRandom SecretRandom { get; init; } = CryptoRandom.Shared;

    /// <summary>Most lanes a run accepts.</summary>
    public const int MaxLanes = 256;

    /// <summary>Throws when a value is outside its range.</summary>
    public PostProcessingOptions Validated()
    {
        Guard.NotNull(Variant);
        Guard.NotNull(SecretRandom);
        Ldpc?.Validated();
        Guard.InRange(EpsilonSecrecy, 1e-300, 0.1, "", nameof(EpsilonSecrecy));
        Guard.InRange(SampleFraction, 1e-4, 0.5, "", nameof(SampleFraction));
        Guard.InRange(MaxBlocksInFlight, 1, 4096, nameof(MaxBlocksInFlight));
        Guard.InRange(Lanes, 1, MaxLanes, nameof(Lanes));
        Guard.InRange(SimulatedOneWayLatency.TotalMilliseconds, 0, 60_000, "ms", nameof(SimulatedOneWayLatency));
        Guard.InRange(PreSharedKeyBits, 256, 1 << 30, nameof(PreSharedKeyBits));
        Guard.InRange(BatchBlocks, 1, 1 << 20, nameof(BatchBlocks));
        Guard.InRange(MaxMessagesPerBlock, 16, 1 << 24, nameof(MaxMessagesPerBlock));
        Guard.InRange(ReceiveTimeout.TotalMilliseconds, 1, 3_600_000, "ms", nameof(ReceiveTimeout));
        return this;
    }
}
