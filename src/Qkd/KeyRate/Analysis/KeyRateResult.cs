namespace Qkd.KeyRate.Analysis;

/// <summary>Everything a user asks about one link at one distance.</summary>
/// <param name="Model">Model name.</param>
/// <param name="DistanceKm">Fibre length [km].</param>
/// <param name="ChannelLossDb">Fibre plus extra losses [dB].</param>
/// <param name="Mu">Signal mean photon number used [photons/pulse]: the given one or the optimum.</param>
/// <param name="MuOptimised">True when <paramref name="Mu"/> is the numerical optimum.</param>
/// <param name="Gain">Detection probability per pulse Q_mu.</param>
/// <param name="Qber">Quantum bit error rate E_mu.</param>
/// <param name="KeyRatePerPulse">Secret key rate per sent pulse [bit/pulse], sifting included, clipped at 0.</param>
/// <param name="DeadTimeFactor">Fraction of detections kept by the detector dead time, in (0, 1].</param>
/// <param name="SecretKeyRateBps">Secret key rate [bit/s] = rate per pulse x repetition rate x dead-time factor.</param>
/// <param name="Aes256KeysPerSecond">AES-256 keys per second = secret key rate / 256.</param>
/// <param name="MaxDistanceKm">Largest fibre length [km] with a positive key for the same parameters (mu optimised at each length when not given).</param>
public sealed record KeyRateResult(
    string Model, double DistanceKm, double ChannelLossDb, double Mu, bool MuOptimised, double Gain, double Qber,
    double KeyRatePerPulse, double DeadTimeFactor, double SecretKeyRateBps, double Aes256KeysPerSecond, double MaxDistanceKm);
