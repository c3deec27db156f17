using Qkd.KeyRate.Analysis;
using Qkd.Physics;

namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// `decoy-one-finite`: three-state/one-decoy BB84 with the finite-key bound of Rusca et al. 2018, as run by the
/// Turin testbed (seed 002). Expected counts of one block are generated from the link and fed to
/// <see cref="OneDecoyFiniteKey.SecretKeyLength"/>.
/// </summary>
/// <remarks>
/// Block generation follows Rusca, Boaron, Grünenfelder, Martin, Zbinden, APL 112, 171104 (2018), Appendix B:
/// with P_Z = p_B^2 (both parties choose Z) and P_X = (1 - p_B)^2, p_k the intensity probabilities,
/// per pulse P_{Z,det,k} = P_Z p_k Q_k and P_{Z,err,k} = P_Z p_k Q_k E_k (Q_k, E_k from Ma et al. 2005 Eq. 9);
/// the number of pulses of a block is N = n_Z / sum_k P_{Z,det,k}; n_{Z,k} = N P_{Z,det,k}, m_{Z,k} = N P_{Z,err,k},
/// likewise in X. Error correction leaks lambda_EC = f n_Z h(E_Z). The rate per pulse is l / N. With a key-basis sample
/// (<see cref="FiniteKeyParameters.KeySampleFraction"/> f_s &gt; 0, as the simulator's sifting discloses) the Z counts,
/// their errors and lambda_EC are those of the kept (1 - f_s) n_Z bits; N stays the pulses of all n_Z detections.
/// Detector dead time is not part of the per-pulse rate; <see cref="KeyRateAnalysis"/> applies it to the bit rate
/// (Rusca et al. Eq. B3). mu2 is the smallest positive decoy intensity of the source (0.1 if none is given).
/// </remarks>
public sealed class DecoyOneFiniteModel(FiniteKeyParameters parameters) : IKeyRateModel
{
    /// <summary>Decoy used when the source names none [photons/pulse].</summary>
    public const double DefaultDecoy = 0.1;

    /// <summary>The finite-key parameters.</summary>
    public FiniteKeyParameters Parameters { get; } = Guard.NotNull(parameters);

    public string Name => "decoy-one-finite";

    public string Summary => "one-decoy BB84, finite key (Rusca et al., APL 112, 171104, 2018)";

    public bool OptimisesMu => true;

    public (double Min, double Max) MuSearchRange(LinkDescription link)
    {
        var mu2 = Decoy(link);
        return (mu2 * 1.05 + 1e-6, 2.0);
    }

    /// <summary>The decoy intensity mu2 of the link [photons/pulse].</summary>
    public static double Decoy(LinkDescription link) => link.Source.SmallestPositiveDecoy(DefaultDecoy);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        if (Expected(link, mu) is not { } b)
        {
            // The bound needs mu1 > mu2; report no key with the signal's statistics.
            var q1 = ChannelStatistics.Gain(mu, link.OverallTransmittance, link.BackgroundYield);
            return new KeyRatePoint(mu, q1, ChannelStatistics.Qber(mu, link.OverallTransmittance, link.BackgroundYield, link.Detector.Misalignment), -q1);
        }
        var bound = OneDecoyFiniteKey.Compute(b.Mu1, b.Mu2, b.P1, b.NZ1, b.NZ2, b.MZ1, b.MZ2, b.NX1, b.NX2, b.MX1, b.MX2, b.LeakedBitsEc,
            Parameters.EpsilonSecrecy, Parameters.EpsilonCorrectness);
        return new KeyRatePoint(mu, b.Gain, (b.MZ1 + b.MZ2) / (b.NZ1 + b.NZ2), bound.Length / b.Pulses);
    }

    /// <summary>
    /// The expected block of the model (a value: <see cref="Evaluate"/> stays allocation-free): the counts the bound is
    /// applied to (Z: the kept (1 - f_s) of the n_Z detections; X: all), the pulses N that produced the n_Z
    /// detections, lambda_EC = f n_Z' h(E_Z) on the kept bits n_Z', and the total gain over both intensities.
    /// </summary>
    public readonly record struct ExpectedBlock(double Mu1, double Mu2, double P1, double NZ1, double NZ2, double MZ1, double MZ2,
        double NX1, double NX2, double MX1, double MX2, double Pulses, double LeakedBitsEc, double Gain)
    {
        /// <summary>The counts as the input record of <see cref="OneDecoyFiniteKey.SecretKeyLength"/>.</summary>
        public OneDecoyCounts Counts => new(Mu1, Mu2, P1, NZ1, NZ2, MZ1, MZ2, NX1, NX2, MX1, MX2);
    }

    /// <summary>
    /// Expected counts of one block at signal intensity <paramref name="mu"/> (Rusca et al. 2018, Appendix B, as in the
    /// remarks), with the key-basis sample of <see cref="FiniteKeyParameters.KeySampleFraction"/> removed from the Z
    /// counts; null when mu is not above the decoy.
    /// </summary>
    public ExpectedBlock? Expected(LinkDescription link, double mu)
    {
        Guard.NotNull(link);
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var ed = link.Detector.Misalignment;
        var mu2 = Decoy(link);
        if (!(mu2 < mu))
        {
            return null;
        }
        var q1 = ChannelStatistics.Gain(mu, eta, y0);
        var e1 = ChannelStatistics.Qber(mu, eta, y0, ed);
        var q2 = ChannelStatistics.Gain(mu2, eta, y0);
        var e2 = ChannelStatistics.Qber(mu2, eta, y0, ed);
        var p1 = Parameters.SignalProbability;
        var p2 = 1 - p1;
        var pB = link.KeyBasisProbability;
        var pZ = pB * pB;
        var pX = (1 - pB) * (1 - pB);
        var detZPerPulse = pZ * (p1 * q1 + p2 * q2);
        var pulses = Parameters.BlockBits / detZPerPulse;
        var kept = 1 - Parameters.KeySampleFraction;
        double nZ1 = kept * pulses * pZ * p1 * q1, nZ2 = kept * pulses * pZ * p2 * q2;
        double nX1 = pulses * pX * p1 * q1, nX2 = pulses * pX * p2 * q2;
        var nZ = nZ1 + nZ2;
        var leak = link.ErrorCorrectionEfficiency * nZ * Entropy.Binary((nZ1 * e1 + nZ2 * e2) / nZ);
        return new ExpectedBlock(mu, mu2, p1, nZ1, nZ2, nZ1 * e1, nZ2 * e2, nX1, nX2, nX1 * e1, nX2 * e2, pulses, leak, p1 * q1 + p2 * q2);
    }
}
