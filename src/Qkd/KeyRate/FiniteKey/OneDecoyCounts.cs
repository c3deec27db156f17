namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// Observed counts of a one-decoy (two-intensity) BB84 block, the input of the finite-key bound of
/// Rusca et al. 2018. Intensity 1 is the signal (mu1), intensity 2 the decoy (mu2 &lt; mu1).
/// </summary>
/// <param name="Mu1">Signal mean photon number mu1 [photons/pulse].</param>
/// <param name="Mu2">Decoy mean photon number mu2 [photons/pulse], 0 &lt; mu2 &lt; mu1.</param>
/// <param name="ProbabilityMu1">Probability p_mu1 that Alice sends the signal intensity (p_mu2 = 1 - p_mu1).</param>
/// <param name="DetectionsZMu1">n_{Z,mu1}: Z-basis (sifted) detections of signal pulses.</param>
/// <param name="DetectionsZMu2">n_{Z,mu2}: Z-basis (sifted) detections of decoy pulses.</param>
/// <param name="ErrorsZMu1">m_{Z,mu1}: bit errors among n_{Z,mu1}.</param>
/// <param name="ErrorsZMu2">m_{Z,mu2}: bit errors among n_{Z,mu2}.</param>
/// <param name="DetectionsXMu1">n_{X,mu1}: X-basis (sifted) detections of signal pulses.</param>
/// <param name="DetectionsXMu2">n_{X,mu2}: X-basis (sifted) detections of decoy pulses.</param>
/// <param name="ErrorsXMu1">m_{X,mu1}: errors among n_{X,mu1}.</param>
/// <param name="ErrorsXMu2">m_{X,mu2}: errors among n_{X,mu2}.</param>
public sealed record OneDecoyCounts(
    double Mu1, double Mu2, double ProbabilityMu1,
    double DetectionsZMu1, double DetectionsZMu2, double ErrorsZMu1, double ErrorsZMu2,
    double DetectionsXMu1, double DetectionsXMu2, double ErrorsXMu1, double ErrorsXMu2)
{
    /// <summary>p_mu2 = 1 - p_mu1.</summary>
    public double ProbabilityMu2 => 1 - ProbabilityMu1;

    /// <summary>n_Z = n_{Z,mu1} + n_{Z,mu2}: the raw key length (key-basis detections).</summary>
    public double DetectionsZ => DetectionsZMu1 + DetectionsZMu2;

    /// <summary>n_X = n_{X,mu1} + n_{X,mu2}.</summary>
    public double DetectionsX => DetectionsXMu1 + DetectionsXMu2;

    /// <summary>m_Z = m_{Z,mu1} + m_{Z,mu2}.</summary>
    public double ErrorsZ => ErrorsZMu1 + ErrorsZMu2;

    /// <summary>m_X = m_{X,mu1} + m_{X,mu2}.</summary>
    public double ErrorsX => ErrorsXMu1 + ErrorsXMu2;
}
