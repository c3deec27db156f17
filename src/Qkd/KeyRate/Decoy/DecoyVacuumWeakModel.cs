using Qkd.Physics;

namespace Qkd.KeyRate.Decoy;

/// <summary>`decoy-vacuum-weak`: asymptotic BB84 with one vacuum and one weak decoy (Ma, Qi, Zhao, Lo 2005).</summary>
/// <remarks>
/// R = q { -Q_mu f h(E_mu) + Q1^L [1 - h(e1^U)] } with Q1^L and e1^U from <see cref="DecoyBounds.VacuumPlusWeak"/>
/// fed with the expected gains and QBERs of the signal (mu) and weak decoy (nu) and the vacuum yield Y0.
/// Source: Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. III.B (vacuum + weak decoy), key rate Eq. (1)
/// with the bounds (34) and (37). The weak decoy nu is the smallest positive decoy intensity of the link's source
/// (0.05 if none is given, a value close to the optimum discussed in the paper); statistical fluctuations are ignored.
/// </remarks>
public sealed class DecoyVacuumWeakModel : IKeyRateModel
{
    /// <summary>Weak decoy used when the source names none [photons/pulse].</summary>
    public const double DefaultWeakDecoy = 0.05;

    public string Name => "decoy-vacuum-weak";

    public string Summary => "vacuum + weak decoy BB84, asymptotic (Ma, Qi, Zhao, Lo, PRA 72, 012326, 2005)";

    public bool OptimisesMu => true;

    public (double Min, double Max) MuSearchRange(LinkDescription link)
    {
        var nu = WeakDecoy(link);
        return (nu * 1.02 + 1e-6, 2.0);
    }

    /// <summary>The weak decoy intensity nu of the link [photons/pulse]: the smallest positive decoy, else 0.05.</summary>
    public static double WeakDecoy(LinkDescription link) => link.Source.SmallestPositiveDecoy(DefaultWeakDecoy);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var ed = link.Detector.Misalignment;
        var nu = WeakDecoy(link);
        var q = ChannelStatistics.Gain(mu, eta, y0);
        var e = ChannelStatistics.Qber(mu, eta, y0, ed);
        var rate = -q * link.ErrorCorrectionEfficiency * Entropy.Binary(e);
        if (nu < mu)
        {
            var qNu = ChannelStatistics.Gain(nu, eta, y0);
            var eNu = ChannelStatistics.Qber(nu, eta, y0, ed);
            var (_, e1, q1) = DecoyBounds.Compute(mu, nu, q, qNu, eNu, y0);
            rate += q1 * (1 - Entropy.Binary(e1));
        }
        return new KeyRatePoint(mu, q, e, link.SiftingFactor * rate);
    }
}
