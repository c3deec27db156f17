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
/// likewise in X. Error correction leaks lambda_EC = f n_Z h(E_Z). The rate per pulse is l / N.
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
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var ed = link.Detector.Misalignment;
        var mu2 = Decoy(link);
        var q1 = ChannelStatistics.Gain(mu, eta, y0);
        var e1 = ChannelStatistics.Qber(mu, eta, y0, ed);
        if (!(mu2 < mu))
        {
            // The bound needs mu1 > mu2; report no key with the signal's statistics.
            return new KeyRatePoint(mu, q1, e1, -q1);
        }
        var q2 = ChannelStatistics.Gain(mu2, eta, y0);
        var e2 = ChannelStatistics.Qber(mu2, eta, y0, ed);
        var p1 = Parameters.SignalProbability;
        var p2 = 1 - p1;
        var pB = link.KeyBasisProbability;
        var pZ = pB * pB;
        var pX = (1 - pB) * (1 - pB);
        var detZPerPulse = pZ * (p1 * q1 + p2 * q2);
        var pulses = Parameters.BlockBits / detZPerPulse;
        double nZ1 = pulses * pZ * p1 * q1, nZ2 = pulses * pZ * p2 * q2;
        double mZ1 = nZ1 * e1, mZ2 = nZ2 * e2;
        double nX1 = pulses * pX * p1 * q1, nX2 = pulses * pX * p2 * q2;
        var nZ = nZ1 + nZ2;
        var qberZ = (mZ1 + mZ2) / nZ;
        var leak = link.ErrorCorrectionEfficiency * nZ * Entropy.Binary(qberZ);
        var bound = OneDecoyFiniteKey.Compute(mu, mu2, p1, nZ1, nZ2, mZ1, mZ2, nX1, nX2, nX1 * e1, nX2 * e2, leak,
            Parameters.EpsilonSecrecy, Parameters.EpsilonCorrectness);
        // Total gain over both intensities (what the detectors see), QBER of the key basis.
        return new KeyRatePoint(mu, p1 * q1 + p2 * q2, qberZ, bound.Length / pulses);
    }
}
