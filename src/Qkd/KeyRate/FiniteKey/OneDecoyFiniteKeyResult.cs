namespace Qkd.KeyRate.FiniteKey;

/// <summary>Result of <see cref="OneDecoyFiniteKey.SecretKeyLength"/>, with every intermediate bound for reports.</summary>
/// <param name="SecretBits">Extractable secret key length l [bits], floored and never negative.</param>
/// <param name="RawBound">The right-hand side of Eq. (1) before flooring (may be negative: no key).</param>
/// <param name="VacuumZLower">s_{Z,0}^l, lower bound on vacuum events in Z.</param>
/// <param name="VacuumZUpper">s_{Z,0}^u, upper bound on vacuum events in Z.</param>
/// <param name="SingleZLower">s_{Z,1}^l, lower bound on single-photon events in Z.</param>
/// <param name="SingleXLower">s_{X,1}^l, lower bound on single-photon events in X.</param>
/// <param name="SingleXErrorsUpper">v_{X,1}^u, upper bound on single-photon errors in X.</param>
/// <param name="PhaseErrorUpper">phi_Z^u, upper bound on the phase error rate of single photons in Z.</param>
public sealed record OneDecoyFiniteKeyResult(
    double SecretBits, double RawBound, double VacuumZLower, double VacuumZUpper,
    double SingleZLower, double SingleXLower, double SingleXErrorsUpper, double PhaseErrorUpper);
