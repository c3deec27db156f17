namespace Qkd.Bb84.Link;

/// <summary>What the link observed at one intensity.</summary>
/// <param name="Name">The intensity's label ("signal", "decoy", "vacuum").</param>
/// <param name="MeanPhotonNumber">mu_k [photons/pulse].</param>
/// <param name="Probability">p_k, how often Alice picked it.</param>
/// <param name="Pulses">Pulses sent at this intensity.</param>
/// <param name="Detections">Clicks, any basis.</param>
/// <param name="Gain">Q_k = clicks / pulses.</param>
/// <param name="SiftedZ">Basis-matched clicks in Z.</param>
/// <param name="SiftedX">Basis-matched clicks in X.</param>
/// <param name="Disclosed">Disclosed bits (both bases).</param>
/// <param name="Errors">Errors among the disclosed bits.</param>
/// <param name="Qber">Error rate of the disclosed bits of the key basis (Z for the three-state and one-decoy protocols, both bases otherwise); NaN if none.</param>
/// <param name="QberZ">Error rate of the disclosed Z bits; NaN if none.</param>
/// <param name="QberX">Error rate of the disclosed X bits; NaN if none.</param>
public sealed record IntensityStatistics(
    string Name, double MeanPhotonNumber, double Probability, long Pulses, long Detections, double Gain,
    long SiftedZ, long SiftedX, long Disclosed, long Errors, double Qber, double QberZ, double QberX);
