using Qkd.Bb84.Link;
using Qkd.Bits;
using Qkd.Physics;

namespace Qkd.Kms.Supply;

/// <summary>
/// The simulated link behind a <see cref="DistilledKeySupply"/>: a <see cref="LinkPresets"/> preset, an optional fibre
/// length, the link time of one block and the link's seed. Validated once, in <see cref="Validated"/>.
/// </summary>
/// <remarks>
/// Block length. The secret length of a block is set by a finite-key bound (one-decoy finite key for turin,
/// finite-size vacuum+weak decoy bounds of Lim et al. 2014 for gys), whose statistical penalty grows like sqrt(n log(1/eps_sec)) for n sifted bits,
/// and every block pays 128 bits of authentication key (two one-time-padded transcript tags, paid back from the
/// block's own key). With authentication that cheap, short blocks pay: turin delivers ~390 bit/s net from 60 s blocks
/// (`qkd simulate --preset turin --seconds 60 --seed 1 --distill`; it delivered 0.2 bit/s when every Cascade message
/// carried its own 64-bit tag). The default is the block that maximises the delivered rate within
/// <see cref="DefaultBlockSeconds"/> = 60 s of latency (<see cref="ChosenBlockSeconds"/>); the lower bound 1 s (below
/// it no preset reaches the ~4e3 sifted bits a block needs to be secure at all) and the upper bound 1200 s (a turin
/// block of 1200 s holds 3e6 sifted bits and takes ~0.8 GB while it is simulated).
/// </remarks>
public sealed record DistilledLinkOptions
{
    /// <summary>Shortest block [s of link time] (see remarks).</summary>
    public const double MinBlockSeconds = 1;

    /// <summary>Longest block [s of link time] (see remarks).</summary>
    public const double MaxBlockSeconds = 1200;

    /// <summary>Default block [s of link time] (see remarks).</summary>
    public const double DefaultBlockSeconds = Qkd.Distillation.BlockLengthChoice.DefaultMaxLatencySeconds;

    /// <summary>Largest expected number of detections of one block: the post-processing takes at most 2^26 sifted bits per block.</summary>
    public const double MaxDetectionsPerBlock = 1 << 26;

    /// <summary>One of <see cref="LinkPresets.Names"/>; default turin (the testbed of seed 002).</summary>
    public string Preset { get; init; } = "turin";

    /// <summary>Fibre length [km]; null for the preset's.</summary>
    public double? DistanceKm { get; init; }

    /// <summary>
    /// The block length that maximises the delivered key rate of <paramref name="options"/>' link within
    /// <see cref="DefaultBlockSeconds"/> of latency (<see cref="Qkd.Distillation.BlockLengthChoice"/>) [s].
    /// </summary>
    public static double ChosenBlockSeconds(DistilledLinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var link = options.Link;
        return Qkd.Distillation.BlockLengthChoice.Choose(link, link.Source.SignalMeanPhotonNumber, options.Protocol == ProtocolKind.ThreeState,
            DefaultBlockSeconds, DistilledKeySupply.Options.EpsilonSecrecy).BlockSeconds;
    }

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
