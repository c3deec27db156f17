using System.Collections.Immutable;

namespace Qkd.Physics;

/// <summary>The transmitter's light source.</summary>
public sealed record Source
{
    /// <summary>Single photons or weak coherent pulses.</summary>
    public SourceKind Kind { get; }

    /// <summary>Signal mean photon number mu (photons per pulse), within (0, 10]. Ignored for single photons.</summary>
    public double SignalMeanPhotonNumber { get; }

    /// <summary>Decoy mean photon numbers (nu_1, nu_2, ...), each within [0, mu); 0 is the vacuum decoy.</summary>
    public ImmutableArray<double> DecoyMeanPhotonNumbers { get; }

    /// <summary>Pulse repetition rate [Hz], within (0, 1e11].</summary>
    public double RepetitionRateHz { get; }

    public Source(SourceKind kind, double signalMeanPhotonNumber, ImmutableArray<double> decoyMeanPhotonNumbers, double repetitionRateHz)
    {
        Kind = kind;
        SignalMeanPhotonNumber = Guard.InRange(signalMeanPhotonNumber, 1e-6, 10, "photons/pulse", "Signal mean photon number mu");
        DecoyMeanPhotonNumbers = decoyMeanPhotonNumbers.IsDefault ? [] : decoyMeanPhotonNumbers;
        foreach (var nu in DecoyMeanPhotonNumbers)
        {
            Guard.InRange(nu, 0, signalMeanPhotonNumber, "photons/pulse", "Decoy mean photon number nu");
        }
        RepetitionRateHz = Guard.InRange(repetitionRateHz, 1, 1e11, "Hz", "Repetition rate");
    }

    /// <summary>The smallest positive decoy intensity [photons/pulse], or <paramref name="fallback"/> when the source names none.</summary>
    public double SmallestPositiveDecoy(double fallback)
    {
        var smallest = double.PositiveInfinity;
        foreach (var d in DecoyMeanPhotonNumbers)
        {
            if (d > 0 && d < smallest)
            {
                smallest = d;
            }
        }
        return double.IsPositiveInfinity(smallest) ? fallback : smallest;
    }

    /// <summary>The same source with another signal intensity.</summary>
    public Source WithSignal(double mu) => new(Kind, mu, DecoyMeanPhotonNumbers, RepetitionRateHz);

    /// <summary>The same source with other decoy intensities.</summary>
    public Source WithDecoys(ImmutableArray<double> decoys) => new(Kind, SignalMeanPhotonNumber, decoys, RepetitionRateHz);

    /// <summary>The same source at another repetition rate.</summary>
    public Source WithRepetitionRate(double repetitionRateHz) => new(Kind, SignalMeanPhotonNumber, DecoyMeanPhotonNumbers, repetitionRateHz);
}
