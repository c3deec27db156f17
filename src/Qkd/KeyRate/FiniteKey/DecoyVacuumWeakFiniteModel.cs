using Qkd.KeyRate.Decoy;
using Qkd.Physics;

namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// `decoy-vacuum-weak-finite`: four-state BB84 with a weak decoy and a vacuum intensity, finite key (Lim, Curty,
/// Walenta, Xu, Zbinden, PRA 89, 022307, 2014; <see cref="VacuumWeakFiniteKey"/>). Expected counts of one block of
/// <see cref="FiniteKeyParameters.BlockBits"/> key-basis detections are generated from the link and fed to the bound.
/// </summary>
/// <remarks>
/// Block generation as in <see cref="DecoyOneFiniteModel"/> (Rusca et al. 2018, Appendix B): P_Z = p_B^2,
/// P_X = (1 - p_B)^2, per pulse n_{Z,k} = N P_Z p_k Q_k, m_{X,k} = N P_X p_k Q_k E_k with Q_k, E_k of Ma et al. 2005
/// Eq. (9) (the vacuum: Q = Y0, E = 1/2), N = n_Z / sum_k P_Z p_k Q_k; lambda_EC = f n_Z h(E_Z). Intensities: the
/// signal mu, the weak decoy nu (the smallest positive decoy of the source, as in
/// <see cref="DecoyVacuumWeakModel.WeakDecoy"/>), the vacuum mu3 = 0. Probabilities: p_mu = p_mu1 of the finite-key parameters,
/// the rest split equally between the weak decoy and the vacuum.
/// </remarks>
public sealed class DecoyVacuumWeakFiniteModel(FiniteKeyParameters parameters) : IKeyRateModel
{
    /// <summary>The finite-key parameters.</summary>
    public FiniteKeyParameters Parameters { get; } = Guard.NotNull(parameters);

    public string Name => "decoy-vacuum-weak-finite";

    public string Summary => "vacuum + weak decoy BB84, finite key (Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307, 2014)";

    public bool OptimisesMu => true;

    public (double Min, double Max) MuSearchRange(LinkDescription link) => new DecoyVacuumWeakModel().MuSearchRange(link);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var ed = link.Detector.Misalignment;
        var nu = DecoyVacuumWeakModel.WeakDecoy(link);
        var q1 = ChannelStatistics.Gain(mu, eta, y0);
        var e1 = ChannelStatistics.Qber(mu, eta, y0, ed);
        if (!(nu < mu))
        {
            return new KeyRatePoint(mu, q1, e1, -q1);
        }
        var q2 = ChannelStatistics.Gain(nu, eta, y0);
        var e2 = ChannelStatistics.Qber(nu, eta, y0, ed);
        var q3 = y0;
        const double e3 = 0.5;
        var p1 = Parameters.SignalProbability;
        var p2 = (1 - p1) / 2;
        var p3 = p2;
        var pB = link.KeyBasisProbability;
        var pZ = pB * pB;
        var pX = (1 - pB) * (1 - pB);
        var detZPerPulse = pZ * (p1 * q1 + p2 * q2 + p3 * q3);
        var pulses = Parameters.BlockBits / detZPerPulse;
        ReadOnlySpan<double> intensities = [mu, nu, 0];
        ReadOnlySpan<double> probabilities = [p1, p2, p3];
        ReadOnlySpan<double> nZ = [pulses * pZ * p1 * q1, pulses * pZ * p2 * q2, pulses * pZ * p3 * q3];
        ReadOnlySpan<double> nX = [pulses * pX * p1 * q1, pulses * pX * p2 * q2, pulses * pX * p3 * q3];
        ReadOnlySpan<double> mX = [nX[0] * e1, nX[1] * e2, nX[2] * e3];
        var errorsZ = nZ[0] * e1 + nZ[1] * e2 + nZ[2] * e3;
        var nZTotal = nZ[0] + nZ[1] + nZ[2];
        var qberZ = errorsZ / nZTotal;
        var leak = link.ErrorCorrectionEfficiency * nZTotal * Entropy.Binary(qberZ);
        var bound = VacuumWeakFiniteKey.Compute(intensities, probabilities, nZ, nX, mX, leak, Parameters.EpsilonSecrecy, Parameters.EpsilonCorrectness);
        return new KeyRatePoint(mu, p1 * q1 + p2 * q2 + p3 * q3, qberZ, bound.Length / pulses);
    }
}
