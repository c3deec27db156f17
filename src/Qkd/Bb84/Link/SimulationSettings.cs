using System.Collections.Immutable;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Estimation;
using Qkd.Physics;

namespace Qkd.Bb84.Link;

/// <summary>Everything one Monte Carlo run of a link depends on. Validated once, here.</summary>
public sealed record SimulationSettings
{
    /// <summary>Default probability of the signal intensity when the caller gives none (the rest is shared equally by the decoys).</summary>
    public const double DefaultSignalProbability = 0.7;

    /// <summary>The link (fibre, extra loss, source, detector, noise, basis bias) shared with the analytic models.</summary>
    public LinkDescription Link { get; }

    /// <summary>Four-state BB84 or the three-state one-decoy protocol.</summary>
    public ProtocolKind Protocol { get; }

    /// <summary>Alice's intensities; the first is the signal and has the largest mean photon number. Probabilities sum to 1.</summary>
    public ImmutableArray<PulseIntensity> Intensities { get; }

    /// <summary>The eavesdropper.</summary>
    public Eavesdropper Eve { get; }

    /// <summary>Number of pulses Alice emits, within [1, 1e15].</summary>
    public long Pulses { get; }

    /// <summary>The seed; every random choice of the run derives from it.</summary>
    public ulong Seed { get; }

    /// <summary>Fraction of the key-set bits disclosed to estimate their QBER, within (0, 1).</summary>
    public double SampleFraction { get; }

    public SimulationSettings(LinkDescription link, ProtocolKind protocol, ImmutableArray<PulseIntensity> intensities,
        Eavesdropper eve, long pulses, ulong seed, double sampleFraction = 0.1)
    {
        Link = Guard.NotNull(link);
        Protocol = protocol;
        Eve = Guard.NotNull(eve);
        Pulses = Guard.InRange(pulses, 1, 1_000_000_000_000_000, "Number of pulses");
        Seed = seed;
        SampleFraction = Guard.InRange(sampleFraction, 1e-6, 0.999, "", "Sample fraction");
        if (intensities.IsDefaultOrEmpty || intensities.Length > 4)
        {
            throw new ArgumentException($"Intensities: between 1 and 4 are needed, but {(intensities.IsDefault ? 0 : intensities.Length)} were given.", nameof(intensities));
        }
        double sum = 0;
        foreach (var i in intensities)
        {
            Guard.NotNull(i).Validate();
            sum += i.Probability;
        }
        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw new ArgumentException($"Intensity probabilities must sum to 1, but sum to {sum:G6}.", nameof(intensities));
        }
        for (var k = 1; k < intensities.Length; k++)
        {
            if (!(intensities[k].MeanPhotonNumber < intensities[0].MeanPhotonNumber))
            {
                throw new ArgumentException($"Intensity '{intensities[k].Name}' ({intensities[k].MeanPhotonNumber:G6} photons/pulse) must be below the signal '{intensities[0].Name}' ({intensities[0].MeanPhotonNumber:G6} photons/pulse).", nameof(intensities));
            }
        }
        if (intensities[0].MeanPhotonNumber <= 0)
        {
            throw new ArgumentException("The signal intensity must have a mean photon number above 0.", nameof(intensities));
        }
        if (link.Source.Kind == SourceKind.SinglePhoton && intensities.Length != 1)
        {
            throw new ArgumentException("A single-photon source has no decoy intensities; give one intensity.", nameof(intensities));
        }
        if (protocol == ProtocolKind.ThreeState && (intensities.Length != 2 || intensities[1].MeanPhotonNumber <= 0))
        {
            throw new ArgumentException("The three-state protocol uses exactly one signal and one non-vacuum decoy intensity (Rusca et al. 2018).", nameof(intensities));
        }
        Intensities = intensities;
        Estimation = EstimationMethodFor(link.Source.Kind, protocol, intensities);
    }

    /// <summary>How the single-photon contribution is bounded, which fixes which bits form the key (see docs/bb84.md).</summary>
    public EstimationMethod Estimation { get; }

    /// <summary>Link time the pulses take at the source's repetition rate [s].</summary>
    public double LinkSeconds => Pulses / Link.Source.RepetitionRateHz;

    /// <summary>
    /// Settings from a link's own source: signal mu and its decoys (a 0 decoy is "vacuum"), the signal picked with
    /// probability <see cref="DefaultSignalProbability"/> and the decoys sharing the rest.
    /// </summary>
    public static SimulationSettings FromLink(LinkDescription link, ProtocolKind protocol, long pulses, ulong seed,
        Eavesdropper? eve = null, double sampleFraction = 0.1)
        => new(link, protocol, DefaultIntensities(link.Source), eve ?? Eavesdropper.None, pulses, seed, sampleFraction);

    /// <summary>The default intensity set of a source (see <see cref="FromLink"/>).</summary>
    public static ImmutableArray<PulseIntensity> DefaultIntensities(Source source)
    {
        Guard.NotNull(source);
        if (source.Kind == SourceKind.SinglePhoton || source.DecoyMeanPhotonNumbers.IsEmpty)
        {
            return [new PulseIntensity("signal", source.SignalMeanPhotonNumber, 1)];
        }
        var decoys = source.DecoyMeanPhotonNumbers;
        var each = (1 - DefaultSignalProbability) / decoys.Length;
        var builder = ImmutableArray.CreateBuilder<PulseIntensity>(decoys.Length + 1);
        builder.Add(new PulseIntensity("signal", source.SignalMeanPhotonNumber, DefaultSignalProbability));
        var weak = 0;
        foreach (var nu in decoys)
        {
            var name = nu == 0 ? "vacuum" : (weak++ == 0 ? "decoy" : $"decoy{weak}");
            builder.Add(new PulseIntensity(name, nu, each));
        }
        return builder.MoveToImmutable();
    }

    private static EstimationMethod EstimationMethodFor(SourceKind kind, ProtocolKind protocol, ImmutableArray<PulseIntensity> intensities)
    {
        if (kind == SourceKind.SinglePhoton)
        {
            return EstimationMethod.SinglePhotonSource;
        }
        if (protocol == ProtocolKind.ThreeState)
        {
            return EstimationMethod.OneDecoyFiniteKey;
        }
        var vacuum = false;
        var weak = 0;
        for (var k = 1; k < intensities.Length; k++)
        {
            if (intensities[k].MeanPhotonNumber == 0)
            {
                vacuum = true;
            }
            else
            {
                weak++;
            }
        }
        return (vacuum, weak) switch
        {
            (_, 0) => EstimationMethod.GllpWithoutDecoy,
            (true, _) => EstimationMethod.VacuumPlusWeak,
            (false, 1) => EstimationMethod.OneDecoyFiniteKey,
            _ => throw new ArgumentException("With several weak decoys, add a vacuum intensity (vacuum+weak bounds) or keep one weak decoy (one-decoy bound).", nameof(intensities)),
        };
    }
}
