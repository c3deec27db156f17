namespace Qkd.KeyRate.Analysis;

/// <summary>One distance of a sweep.</summary>
/// <param name="DistanceKm">Fibre length [km].</param>
/// <param name="Mu">Signal intensity used [photons/pulse].</param>
/// <param name="Gain">Detection probability per pulse.</param>
/// <param name="Qber">Quantum bit error rate.</param>
/// <param name="KeyRatePerPulse">Secret key rate per pulse [bit/pulse], clipped at 0.</param>
/// <param name="SecretKeyRateBps">Secret key rate [bit/s], dead time included.</param>
public readonly record struct KeyRateSample(double DistanceKm, double Mu, double Gain, double Qber, double KeyRatePerPulse, double SecretKeyRateBps)
{
    /// <summary>AES-256 keys per second.</summary>
    public double Aes256KeysPerSecond => SecretKeyRateBps / KeyRateAnalysis.Aes256KeyBits;
}
