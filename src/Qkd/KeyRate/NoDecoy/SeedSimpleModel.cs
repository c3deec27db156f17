using Qkd.Physics;

namespace Qkd.KeyRate.NoDecoy;

/// <summary>
/// `seed-simple`: the per-pulse model the industrial-QKD papers of seeds 000 and 001 appear to use. It treats
/// every detection of a weak coherent pulse as if it came from a single photon.
/// </summary>
/// <remarks>
/// Detection probability P_det = Y0 + (1 - Y0)(1 - e^{-eta mu}); QBER E = (e_det (P_det - Y0) + Y0/2) / P_det
/// (misalignment errors of the signal plus half of the dark counts); key rate R = q P_det [1 - f h(E) - h(E)]
/// (Shor-Preskill applied to all detections). eta = 10^(-(alpha L + extra)/10) eta_det.
/// Differences from the other models: unlike `gllp` it ignores multi-photon pulses (no photon-number-splitting
/// correction), so its rate grows with mu without bound and it is not a security proof for weak coherent pulses;
/// it agrees with `single-photon` when mu -> small and e^{-eta mu} ~ 1 - eta mu with Q scaled by mu; its gain and QBER
/// are exactly those of Ma et al. PRA 72, 012326 (2005), Eq. (9), which is what the seed figures' QBER curves show.
/// mu is not optimised (it would run to the upper end): the link's mu is used. See docs/models.md.
/// </remarks>
public sealed class SeedSimpleModel : IKeyRateModel
{
    public string Name => "seed-simple";

    public string Summary => "seeds 000/001 simple model: all detections treated as single photons (no PNS correction)";

    public bool OptimisesMu => false;

    public (double Min, double Max) MuSearchRange(LinkDescription link) => (1e-3, 2.0);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        var (q, e) = ChannelStatistics.WeakCoherentSignal(link, mu);
        var h = Entropy.Binary(e);
        return new KeyRatePoint(mu, q, e, link.SiftingFactor * q * (1 - link.ErrorCorrectionEfficiency * h - h));
    }
}
