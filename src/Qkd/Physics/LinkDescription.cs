namespace Qkd.Physics;

/// <summary>
/// One QKD link as every model sees it: the single description shared by the analytic key-rate
/// models, the pulse-level simulator, the planner and the network simulator, so each can be
/// checked against the others.
/// </summary>
public sealed record LinkDescription
{
    /// <summary>The fibre between Alice and Bob.</summary>
    public Fiber Fiber { get; }

    /// <summary>Extra loss [dB] outside the fibre: connectors, splices, WDM mux/demux insertion loss; within [0, 100].</summary>
    public double ExtraLossDb { get; }

    /// <summary>Alice's source.</summary>
    public Source Source { get; }

    /// <summary>Bob's detectors.</summary>
    public Detector Detector { get; }

    /// <summary>
    /// Extra noise counts per gate/pulse at Bob from light that is not Alice's (Raman scattering of
    /// classical channels on the same fibre, leakage through WDM filters, background), within [0, 0.5].
    /// Adds to <see cref="Detector.DarkCountProbability"/>; each such count is a random bit.
    /// </summary>
    public double NoiseCountProbability { get; }

    /// <summary>Probability that Alice (and Bob) choose the key basis (Z); 0.5 for symmetric BB84, within (0, 1).</summary>
    public double KeyBasisProbability { get; }

    /// <summary>Error-correction inefficiency f >= 1 (1 is the Shannon limit), within [1, 3].</summary>
    public double ErrorCorrectionEfficiency { get; }

    /// <summary>
    /// Fraction of detections kept after sifting, q in the papers (1/2 for symmetric BB84;
    /// p_Z^2 for a biased choice keeping only Z-Z), within (0, 1].
    /// </summary>
    public double SiftingFactor { get; }

    public LinkDescription(Fiber fiber, double extraLossDb, Source source, Detector detector,
        double noiseCountProbability = 0, double keyBasisProbability = 0.5, double errorCorrectionEfficiency = 1.16,
        double siftingFactor = 0.5)
    {
        Fiber = Guard.NotNull(fiber);
        ExtraLossDb = Guard.InRange(extraLossDb, 0, 100, "dB", "Extra loss (connectors, WDM)");
        Source = Guard.NotNull(source);
        Detector = Guard.NotNull(detector);
        NoiseCountProbability = Guard.InRange(noiseCountProbability, 0, 0.5, "per pulse", "Noise count probability");
        KeyBasisProbability = Guard.InRange(keyBasisProbability, 1e-6, 1 - 1e-6, "", "Key basis probability");
        ErrorCorrectionEfficiency = Guard.InRange(errorCorrectionEfficiency, 1, 3, "", "Error-correction inefficiency f");
        SiftingFactor = Guard.InRange(siftingFactor, 1e-6, 1, "", "Sifting factor q");
    }

    /// <summary>Total channel loss Alice to Bob's input [dB]: fibre plus extra losses.</summary>
    public double ChannelLossDb => Fiber.LossDb + ExtraLossDb;

    /// <summary>Channel transmittance t_AB = 10^(-(alpha L + extra)/10) (Ma et al., PRA 72, 012326, Eq. 5).</summary>
    public double ChannelTransmittance => Transmittance.FromLossDb(ChannelLossDb);

    /// <summary>
    /// Overall transmittance eta = t_AB * eta_Bob: probability that one photon from Alice is detected.
    /// Source: Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eq. (5).
    /// </summary>
    public double OverallTransmittance => ChannelTransmittance * Detector.Efficiency;

    /// <summary>Background yield Y0 = dark count + noise count probability per pulse (both detectors).</summary>
    public double BackgroundYield => Math.Min(0.5, Detector.DarkCountProbability + NoiseCountProbability);

    public LinkDescription WithFiberLength(double lengthKm) => With(fiber: Fiber.WithLength(lengthKm));

    public LinkDescription WithSource(Source source) => With(source: source);

    public LinkDescription WithSignalMeanPhotonNumber(double mu) => With(source: Source.WithSignal(mu));

    public LinkDescription WithDetector(Detector detector) => With(detector: detector);

    /// <summary>A copy with some parts replaced (validation runs again).</summary>
    public LinkDescription With(Fiber? fiber = null, double? extraLossDb = null, Source? source = null, Detector? detector = null,
        double? noiseCountProbability = null, double? keyBasisProbability = null, double? errorCorrectionEfficiency = null,
        double? siftingFactor = null)
        => new(fiber ?? Fiber, extraLossDb ?? ExtraLossDb, source ?? Source, detector ?? Detector,
            noiseCountProbability ?? NoiseCountProbability, keyBasisProbability ?? KeyBasisProbability,
            errorCorrectionEfficiency ?? ErrorCorrectionEfficiency, siftingFactor ?? SiftingFactor);
}
