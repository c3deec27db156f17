using Qkd.Physics;

namespace Qkd.KeyRate.Decoy;

/// <summary>`decoy-infinite`: asymptotic decoy-state BB84 with infinitely many decoy intensities.</summary>
/// <remarks>
/// R = q { -Q_mu f h(E_mu) + Q1 [1 - h(e1)] }, with the single-photon gain Q1 = Y1 mu e^{-mu} and error
/// e1 = (e0 Y0 + e_det eta)/Y1 known exactly (the limit of infinitely many decoys).
/// Source: Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1) (GLLP formula) with the decoy-state estimates;
/// Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eqs. (1) and (6)-(11). Asymptotic: infinite key length.
/// </remarks>
public sealed class DecoyInfiniteModel : IKeyRateModel
{
    public string Name => "decoy-infinite";

    public string Summary => "asymptotic decoy-state BB84, infinite decoys (Lo-Ma-Chen, PRL 94, 230504, 2005)";

    public bool OptimisesMu => true;

    public (double Min, double Max) MuSearchRange(LinkDescription link) => (1e-3, 2.0);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var (q, e) = ChannelStatistics.WeakCoherentSignal(link, mu);
        var y1 = ChannelStatistics.Yield(1, eta, y0);
        var e1 = ChannelStatistics.ErrorRate(1, eta, y0, link.Detector.Misalignment);
        var q1 = y1 * mu * Math.Exp(-mu);
        var rate = link.SiftingFactor * (-q * link.ErrorCorrectionEfficiency * Entropy.Binary(e) + q1 * (1 - Entropy.Binary(e1)));
        return new KeyRatePoint(mu, q, e, rate);
    }
}
