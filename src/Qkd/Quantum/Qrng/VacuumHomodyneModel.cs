namespace Qkd.Quantum.Qrng;

/// <summary>
/// A vacuum-fluctuation QRNG: a balanced homodyne detector measures one quadrature of the vacuum
/// (Gaussian, variance sigma_q^2 = 1 in shot-noise units), adds classical electronic noise of variance
/// sigma_e^2 = 10^(-clearance/10), and an n-bit ADC digitises over [-R, R) with R = rangeInSigma *
/// sqrt(sigma_q^2 + sigma_e^2). Gabriel et al., Nature Photonics 4, 711 (2010); Haw et al., Phys. Rev.
/// Applied 3, 054004 (2015).
/// </summary>
/// <param name="AdcBits">ADC resolution n [bits], 1..8.</param>
/// <param name="ClearanceDb">Shot-noise clearance: quantum over electronic noise power [dB], 0..40.</param>
/// <param name="RangeInSigma">ADC half-range R in units of the total noise standard deviation, 1..10.</param>
public sealed record VacuumHomodyneModel(int AdcBits = 8, double ClearanceDb = 10, double RangeInSigma = 5)
{
    /// <summary>Validated copy (records validate once, here).</summary>
    public VacuumHomodyneModel Validate()
    {
        Guard.InRange(AdcBits, 1, 8, "ADC bits");
        Guard.InRange(ClearanceDb, 0, 40, "dB", "Shot-noise clearance");
        Guard.InRange(RangeInSigma, 1, 10, "sigma", "ADC half-range");
        return this;
    }

    /// <summary>Electronic-noise standard deviation sigma_e in shot-noise units.</summary>
    public double ElectronicSigma => Math.Sqrt(Math.Pow(10, -ClearanceDb / 10));

    /// <summary>ADC half-range R in shot-noise units.</summary>
    public double HalfRange => RangeInSigma * Math.Sqrt(1 + ElectronicSigma * ElectronicSigma);

    /// <summary>Bin width Delta = 2R / 2^n in shot-noise units.</summary>
    public double BinWidth => 2 * HalfRange / (1 << AdcBits);

    /// <summary>
    /// Worst-case min-entropy per sample conditioned on the classical noise [bits]:
    /// H = -log2 max(P_inner, P_edge), with P_inner = erf(Delta / (2 sqrt 2 sigma_q)) (a bin centred on
    /// the classical offset e) and P_edge = erfc((R - Delta - e_max) / (sqrt 2 sigma_q)) / 2 (the end bin
    /// collecting the tail), e_max = 5 sigma_e. This follows the worst-case conditional min-entropy of
    /// Haw et al., Phys. Rev. Applied 3, 054004 (2015), in its simplest form; valid when the classical
    /// noise stays within 5 sigma_e (probability 1 - 6e-7) and the detector is linear.
    /// </summary>
    public double MinEntropyPerSample()
    {
        Validate();
        const double sigmaQ = 1;
        var inner = SpecialFunctions.Erf(BinWidth / (2 * Math.Sqrt(2) * sigmaQ));
        var edge = 0.5 * SpecialFunctions.Erfc((HalfRange - BinWidth - 5 * ElectronicSigma) / (Math.Sqrt(2) * sigmaQ));
        return Math.Min(AdcBits, -Math.Log2(Math.Max(inner, edge)));
    }
}
