namespace Qkd.Quantum;

/// <summary>Result of an E91/BBM92 Monte Carlo run, with the analytic expectation beside each estimate.</summary>
/// <param name="DistanceKm">Fibre length between Alice and Bob [km] (source in the middle).</param>
/// <param name="Pairs">Emitted pairs.</param>
/// <param name="Eve">The eavesdropper.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Coincidences">Pairs in which both sides clicked.</param>
/// <param name="SiftedBits">Coincidences with equal analyser angles (the raw key length).</param>
/// <param name="Errors">Sifted bits on which Alice and Bob disagree.</param>
/// <param name="Qber">Errors / sifted bits.</param>
/// <param name="Chsh">Estimated S = E(a,b) - E(a,b') + E(a',b) + E(a',b').</param>
/// <param name="ChshStandardError">Standard error of S, sqrt(sum (1 - E_i^2)/N_i).</param>
/// <param name="BellViolated">S exceeds 2 by more than three standard errors.</param>
/// <param name="ExpectedChsh">Analytic S from <see cref="E91Link.ExpectedChsh"/>.</param>
/// <param name="ExpectedQber">Analytic QBER from <see cref="E91Link.ExpectedQber"/>.</param>
/// <param name="Visibility">Two-photon visibility V = (1 - 2 e_det)^2.</param>
/// <param name="SiftedKeyRateBitsPerSecond">Sifted bits per pair times the pair rate [bit/s].</param>
/// <param name="SecretKeyRateBitsPerSecond">Sifted rate times the secret fraction 1 - f h(Q) - h(Q) at the measured QBER [bit/s].</param>
public sealed record E91Result(double DistanceKm, long Pairs, E91Eavesdropper Eve, ulong Seed, long Coincidences, long SiftedBits,
    long Errors, double Qber, double Chsh, double ChshStandardError, bool BellViolated, double ExpectedChsh, double ExpectedQber,
    double Visibility, double SiftedKeyRateBitsPerSecond, double SecretKeyRateBitsPerSecond);
