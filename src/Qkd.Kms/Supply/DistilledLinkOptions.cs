using Qkd.Bb84;
using Qkd.Bits;
using Qkd.Physics;

namespace Qkd.Kms.Supply;

/// <summary>
/// The simulated link behind a <see cref="DistilledKeySupply"/>: a <see cref="LinkPresets"/> preset, an optional fibre
/// length, the link time of one block and the link's seed. Validated once, in <see cref="Validated"/>.
/// </summary>
/// <remarks>
/// Block length. The secret length of a block is set by a finite-key bound (one-decoy finite key for turin,
/// vacuum+weak decoy bounds for gys), whose statistical penalty grows like sqrt(n log(1/eps_sec)) for n sifted bits,
/// and every block also pays its classical-channel authentication tags (Wegman-Carter, ~30-50 kbit per block, paid
/// back from the block's own key). Measured with seed 1 (`qkd simulate --preset P --seconds T --seed 1 --distill`):
/// turin gives 0 net secret bits at 30 s (75 kbit sifted), 0.2 bit/s at 60 s (the 490 bit/s gross is eaten by the
/// 29 kbit of authentication), 214 bit/s at 120 s, 602 bit/s at 300 s (analytic decoy-one-finite 685 bit/s),
/// 819 bit/s at 1200 s; gys 25 km gives 1.7 bit/s at 30 s and 505 bit/s at 300 s. Hence the default
/// <see cref="DefaultBlockSeconds"/> = 300 s, the lower bound 1 s (below it no preset reaches the ~4e3 sifted bits a
/// block needs to be secure at all) and the upper bound 1200 s (a turin block of 1200 s holds 3e6 sifted bits and
/// takes ~0.8 GB while it is simulated; longer blocks gain little: the finite-key rate is within 3 % of its
/// asymptote there).
/// </remarks>
public sealed record DistilledLinkOptions
{
    /// <summary>Shortest block [s of link time] (see remarks).</summary>
    public const double MinBlockSeconds = 1;

    /// <summary>Longest block [s of link time] (see remarks).</summary>
    public const double MaxBlockSeconds = 1200;

    /// <summary>Default block [s of link time] (see remarks).</summary>
    public const double DefaultBlockSeconds = 300;

    /// <summary>Largest expected number of detections of one block: the post-processing takes at most 2^26 sifted bits per block.</summary>
    public const double MaxDetectionsPerBlock = 1 << 26;

    /// <summary>One of <see cref="LinkPresets.Names"/>; default turin (the testbed of seed 002).</summary>
    public string Preset { get; init; } = "turin";

    /// <summary>Fibre length [km]; null for the preset's.</summary>
    public double? DistanceKm { get; init; }

    /// <summary>Link time simulated per block [s].</summary>
    public double BlockSeconds { get; init; } = DefaultBlockSeconds;

    /// <summary>Seed of the link; block j is simulated with <see cref="BlockSeed"/>(j).</summary>
    public ulong Seed { get; init; }

    /// <summary>The link description of the preset (with <see cref="DistanceKm"/> applied).</summary>
    public LinkDescription Link => DistanceKm is { } km ? LinkPresets.Get(Preset).WithFiberLength(km) : LinkPresets.Get(Preset);

    /// <summary>The encoding, as `qkd simulate` chooses it: three-state one-decoy for turin (Rusca et al. 2018), four-state BB84 otherwise.</summary>
    public ProtocolKind Protocol => Preset == "turin" ? ProtocolKind.ThreeState : ProtocolKind.Bb84;

    /// <summary>Pulses of one block: the block's link time at the source's repetition rate, rounded up.</summary>
    public long PulsesPerBlock => (long)Math.Ceiling(BlockSeconds * Link.Source.RepetitionRateHz);

    /// <summary>Seed of block <paramref name="index"/>: an independent stream of the link seed.</summary>
    public ulong BlockSeed(long index) => SimRandom.ForStream(Seed, (ulong)index).NextUInt64();

    /// <summary>Simulation settings of block <paramref name="index"/> (the preset's own intensities).</summary>
    public SimulationSettings BlockSettings(long index) => SimulationSettings.FromLink(Link, Protocol, PulsesPerBlock, BlockSeed(index));

    /// <summary>Throws an <see cref="ArgumentException"/> naming the flag and its range when a value is out of range.</summary>
    public DistilledLinkOptions Validated()
    {
        if (!LinkPresets.Names.Contains(Preset))
        {
            throw new ArgumentException($"--preset must be one of {string.Join(", ", LinkPresets.Names)}, but was '{Preset}'.");
        }
        if (DistanceKm is { } km && !(km is >= 0 and <= 1000))
        {
            throw new ArgumentException($"--distance-km must be within [0, 1000] km, but was {km} km.");
        }
        if (!(BlockSeconds is >= MinBlockSeconds and <= MaxBlockSeconds))
        {
            throw new ArgumentException($"--block-seconds must be within [{MinBlockSeconds}, {MaxBlockSeconds}] s, but was {BlockSeconds} s.");
        }
        var detections = LinkSimulator.ExpectedDetections(BlockSettings(0));
        if (detections > MaxDetectionsPerBlock)
        {
            throw new ArgumentException($"--block-seconds {BlockSeconds} s on {Preset} gives about {detections:G3} detections per block, above the "
                + $"post-processing limit of {MaxDetectionsPerBlock:G3}; use at most {BlockSeconds * MaxDetectionsPerBlock / detections:G3} s.");
        }
        return this;
    }
}
