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

    /// <summary>Public seed of the Cascade shuffles for the session.</summary>
    public ulong ShuffleSeed { get; init; } = 0x5EED;

    /// <summary>One-way latency of the classical channel for the simulated-time makespan (zero: none).</summary>
    public TimeSpan SimulatedOneWayLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Pre-shared authentication key size when the pipeline creates one [bits].</summary>
    public int PreSharedKeyBits { get; init; } = 1 << 20;

    /// <summary>Refill the authentication pool from the generated key after the run (in block order).</summary>
    public bool ReplenishAuthenticationKey { get; init; } = true;

    /// <summary>Throws when a value is outside its range.</summary>
    public PostProcessingOptions Validated()
    {
        Guard.NotNull(Variant);
        Ldpc?.Validated();
        Guard.InRange(EpsilonSecrecy, 1e-300, 0.1, "", nameof(EpsilonSecrecy));
        Guard.InRange(SampleFraction, 1e-4, 0.5, "", nameof(SampleFraction));
        Guard.InRange(MaxBlocksInFlight, 1, 4096, nameof(MaxBlocksInFlight));
        Guard.InRange(SimulatedOneWayLatency.TotalMilliseconds, 0, 60_000, "ms", nameof(SimulatedOneWayLatency));
        Guard.InRange(PreSharedKeyBits, 256, 1 << 30, nameof(PreSharedKeyBits));
        return this;
    }
}
