using Qkd.Physics;

namespace Qkd.KeyRate.NoDecoy;

/// <summary>`single-photon`: ideal single-photon BB84 with the Shor-Preskill key rate.</summary>
/// <remarks>
/// R = q Y1 [1 - f h(e1) - h(e1)]; Y1 = Y0 + eta - Y0 eta the single-photon yield, e1 = (e0 Y0 + e_det eta)/Y1 its
/// error rate, q the sifting factor, f the error-correction inefficiency, h the binary entropy.
/// Sources: Shor and Preskill, PRL 85, 441 (2000) (rate 1 - 2h(e) for f = 1); yields and errors as
/// Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eqs. (6)-(8). The source is taken to emit exactly one photon per
/// pulse whatever the link's source says; mu is reported as 1.
/// </remarks>
public sealed class SinglePhotonModel : IKeyRateModel
{
    public string Name => "single-photon";

    public string Summary => "ideal single-photon BB84, Shor-Preskill rate (PRL 85, 441, 2000)";

    public bool OptimisesMu => false;

    public (double Min, double Max) MuSearchRange(LinkDescription link) => (1, 1);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var y1 = ChannelStatistics.Yield(1, eta, y0);
        var e1 = ChannelStatistics.ErrorRate(1, eta, y0, link.Detector.Misalignment);
        var h = Entropy.Binary(e1);
        var rate = link.SiftingFactor * y1 * (1 - link.ErrorCorrectionEfficiency * h - h);
        return new KeyRatePoint(1, y1, e1, rate);
    }
}
