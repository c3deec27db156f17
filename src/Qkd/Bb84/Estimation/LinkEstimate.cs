using Qkd.KeyRate.FiniteKey;

namespace Qkd.Bb84.Estimation;

/// <summary>Single-photon bounds and the verdict drawn from one block's public statistics.</summary>
/// <param name="Method">Which bound was used.</param>
/// <param name="Y1Lower">Lower bound on the single-photon yield Y1 (probability that a single-photon pulse clicks).</param>
/// <param name="E1Upper">Upper bound on the single-photon error rate e1, within [0, 0.5].</param>
/// <param name="Q1Lower">Lower bound on the single-photon gain of signal pulses, Y1 mu e^{-mu}.</param>
/// <param name="KeyRatePerPulse">Secret bits per emitted pulse: the asymptotic GLLP rate, or the finite-key length over the pulses.</param>
/// <param name="SecretBits">Extractable secret bits of this block (finite-key length, or rate times pulses for asymptotic methods).</param>
/// <param name="Secure">Whether a key can be distilled: rate (or finite-key length) above zero.</param>
/// <param name="OneDecoyCounts">The counts fed to the one-decoy bound (null for other methods): the post-processing reuses them with its own lambda_EC.</param>
/// <param name="FiniteKey">The one-decoy bound's intermediate values (null for other methods).</param>
public sealed record LinkEstimate(
    EstimationMethod Method, double Y1Lower, double E1Upper, double Q1Lower, double KeyRatePerPulse, double SecretBits, bool Secure,
    OneDecoyCounts? OneDecoyCounts, OneDecoyFiniteKeyResult? FiniteKey);
