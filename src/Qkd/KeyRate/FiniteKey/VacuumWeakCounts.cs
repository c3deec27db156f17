using System.Collections.Immutable;

namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// Observed counts of a four-state BB84 block with a signal, a weak decoy and a vacuum intensity whose key is made of
/// the signal's basis-matched detections in both bases (decoy and vacuum detections disclosed), the input of
/// <see cref="VacuumWeakSignalKey"/>. Arrays are indexed [intensity * 2 + basis], intensity 0 = signal mu1, 1 = weak decoy
/// mu2, 2 = vacuum mu3; basis 0 = Z, 1 = X.
/// </summary>
/// <param name="Mu">mu1 &gt; mu2 &gt; mu3 &gt;= 0 [photons/pulse].</param>
/// <param name="Probability">p_k, the probability Alice sends each intensity.</param>
/// <param name="Detections">n_{B,k}: basis-matched detections.</param>
/// <param name="Errors">m_{B,k}: their bit errors (the signal's estimated from its disclosed sample).</param>
/// <param name="KeyBitsZ">Signal Z detections kept in the key (after the disclosed sample).</param>
/// <param name="KeyBitsX">Signal X detections kept in the key.</param>
public sealed record VacuumWeakCounts(
    ImmutableArray<double> Mu, ImmutableArray<double> Probability, ImmutableArray<double> Detections, ImmutableArray<double> Errors,
    double KeyBitsZ, double KeyBitsX);
