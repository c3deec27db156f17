namespace Qkd.KeyRate;

/// <summary>One model evaluation at fixed signal intensity.</summary>
/// <param name="Mu">Signal mean photon number used [photons/pulse] (1 for a single-photon source).</param>
/// <param name="Gain">Q_mu: probability per pulse that Bob registers a detection (all bases, before sifting).</param>
/// <param name="Qber">E_mu: quantum bit error rate of the signal pulses.</param>
/// <param name="RawKeyRatePerPulse">
/// The model's secret key rate per sent pulse [bit/pulse], including the sifting factor, before clipping at zero
/// (negative means no key).
/// </param>
public readonly record struct KeyRatePoint(double Mu, double Gain, double Qber, double RawKeyRatePerPulse)
{
    /// <summary>Secret key rate per pulse [bit/pulse], clipped at zero.</summary>
    public double KeyRatePerPulse => RawKeyRatePerPulse > 0 ? RawKeyRatePerPulse : 0;
}
