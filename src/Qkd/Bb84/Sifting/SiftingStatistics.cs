using System.Collections.Immutable;

namespace Qkd.Bb84.Sifting;

/// <summary>
/// The public statistics of a block after sifting and disclosure, identical at Alice and Bob: per intensity,
/// pulses sent, clicks, and per basis the sifted, disclosed and erroneous disclosed bits.
/// </summary>
/// <param name="Pulses">Pulses sent at each intensity (announced by Alice).</param>
/// <param name="Detections">Clicks at each intensity, any basis.</param>
/// <param name="Sifted">Basis-matched clicks, index [intensity * 2 + basis] (basis 0 = Z, 1 = X).</param>
/// <param name="Disclosed">Disclosed bits, same indexing.</param>
/// <param name="Errors">Disclosed bits where Alice and Bob differ, same indexing.</param>
/// <param name="KeyBits">Length of the sifted key left after disclosure.</param>
public sealed record SiftingStatistics(
    ImmutableArray<long> Pulses, ImmutableArray<long> Detections,
    ImmutableArray<long> Sifted, ImmutableArray<long> Disclosed, ImmutableArray<long> Errors, long KeyBits)
{
    /// <summary>Error rate of the disclosed bits of one intensity and basis, NaN when nothing was disclosed.</summary>
    public double ErrorRate(int intensity, int basis)
    {
        var d = Disclosed[intensity * 2 + basis];
        return d > 0 ? (double)Errors[intensity * 2 + basis] / d : double.NaN;
    }

    /// <summary>Error rate of the disclosed bits of one intensity over both bases, NaN when nothing was disclosed.</summary>
    public double ErrorRate(int intensity)
    {
        var d = Disclosed[intensity * 2] + Disclosed[intensity * 2 + 1];
        return d > 0 ? (double)(Errors[intensity * 2] + Errors[intensity * 2 + 1]) / d : double.NaN;
    }

    /// <summary>Gain Q_k = clicks / pulses of one intensity.</summary>
    public double Gain(int intensity) => Pulses[intensity] > 0 ? (double)Detections[intensity] / Pulses[intensity] : 0;

    /// <summary>True when two parties' views agree in every count.</summary>
    public bool SameCounts(SiftingStatistics other)
        => other is not null && KeyBits == other.KeyBits && Pulses.SequenceEqual(other.Pulses) && Detections.SequenceEqual(other.Detections)
           && Sifted.SequenceEqual(other.Sifted) && Disclosed.SequenceEqual(other.Disclosed) && Errors.SequenceEqual(other.Errors);
}
