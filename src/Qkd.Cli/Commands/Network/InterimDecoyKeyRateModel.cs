using Qkd.KeyRate;
using Qkd.Network;
using Qkd.Physics;

namespace Qkd.Cli.Commands.Network;

/// <summary>
/// The key-rate model the network commands use for links described by their fibre, until the
/// foundation's shared models are wired in: the asymptotic decoy-state rate per pulse
/// R = q { -Q_mu f h(E_mu) + Q_1 [1 - h(e_1)] } times the repetition rate [bit/s].
/// </summary>
/// <remarks>
/// Source: Lo, Ma, Chen, "Decoy state quantum key distribution", PRL 94, 230504 (2005), Eq. (1)
/// (GLLP with decoy estimates), with Q_1 and e_1 bounded by the vacuum + weak decoy method of
/// Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eqs. (34), (37) (<see cref="DecoyBounds.VacuumPlusWeak"/>).
/// Symbols: q sifting factor, Q_mu gain and E_mu QBER of signal pulses (mean photon number mu),
/// f error-correction inefficiency, h binary entropy, Q_1 single-photon gain, e_1 single-photon error
/// rate. Without a positive decoy intensity the exact single-photon statistics are used (the infinite
/// decoy limit); a single-photon source uses Q_1 = Q, e_1 = E. Asymptotic: no finite-key terms.
/// </remarks>
public sealed class InterimDecoyKeyRateModel : ILinkKeyRateModel
{
    public double SecretKeyRateBitsPerSecond(LinkDescription link)
    {
        var mu = link.Source.SignalMeanPhotonNumber;
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var e0 = link.Detector.Misalignment;
        var gainMu = ChannelStatistics.Gain(link, mu);
        var qberMu = ChannelStatistics.Qber(link, mu);
        double q1, e1;
        if (link.Source.Kind == SourceKind.SinglePhoton)
        {
            (q1, e1) = (gainMu, qberMu);
        }
        else
        {
            var nu = link.Source.DecoyMeanPhotonNumbers.Where(d => d > 0 && d < mu).DefaultIfEmpty(0).Min();
            if (nu > 0)
            {
                var bounds = DecoyBounds.VacuumPlusWeak(mu, nu, gainMu, qberMu, ChannelStatistics.Gain(link, nu), ChannelStatistics.Qber(link, nu), y0);
                (q1, e1) = (bounds.Q1Lower, bounds.E1Upper);
            }
            else
            {
                q1 = ChannelStatistics.Yield(1, eta, y0) * mu * Math.Exp(-mu);
                e1 = ChannelStatistics.ErrorRate(1, eta, y0, e0);
            }
        }
        var perPulse = link.SiftingFactor * (-gainMu * link.ErrorCorrectionEfficiency * Entropy.Binary(qberMu) + q1 * (1 - Entropy.Binary(e1)));
        return Math.Max(0, perPulse) * link.Source.RepetitionRateHz;
    }
}
