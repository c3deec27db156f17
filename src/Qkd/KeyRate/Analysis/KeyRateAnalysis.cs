using Qkd.Physics;

namespace Qkd.KeyRate.Analysis;

/// <summary>
/// Turns a model evaluation into the user-facing answers: optimal mu, bit rate with detector dead time,
/// AES-256 keys per second and the maximum distance.
/// </summary>
public static class KeyRateAnalysis
{
    /// <summary>Bits in one AES-256 key.</summary>
    public const double Aes256KeyBits = 256;

    /// <summary>Largest fibre length searched for the maximum distance [km] (the <see cref="Fiber"/> limit).</summary>
    public const double DistanceSearchLimitKm = 1000;

    /// <summary>Full analysis at the link's fibre length; <paramref name="mu"/> null means optimise.</summary>
    public static KeyRateResult Analyse(IKeyRateModel model, LinkDescription link, double? mu = null, bool includeMaxDistance = true)
    {
        Guard.NotNull(model);
        Guard.NotNull(link);
        var point = Point(model, link, mu);
        var optimised = mu is null && model.OptimisesMu;
        var deadTime = DeadTimeFactor(link, point.Gain);
        var bps = point.KeyRatePerPulse * link.Source.RepetitionRateHz * deadTime;
        var maxKm = includeMaxDistance ? MaxDistanceKm(model, link, mu) : double.NaN;
        return new KeyRateResult(model.Name, link.Fiber.LengthKm, link.ChannelLossDb, point.Mu, optimised, point.Gain, point.Qber,
            point.KeyRatePerPulse, deadTime, bps, bps / Aes256KeyBits, maxKm);
    }

    /// <summary>
    /// The model at <paramref name="mu"/> when given; otherwise at the optimal mu for models that optimise it
    /// (at the source's intensity where no mu gives a key), else at the source's signal intensity.
    /// </summary>
    public static KeyRatePoint Point(IKeyRateModel model, LinkDescription link, double? mu)
    {
        if (mu is { } m)
        {
            Guard.InRange(m, 1e-6, 10, "photons/pulse", "Signal mean photon number mu");
            return model.Evaluate(link, m);
        }
        if (!model.OptimisesMu)
        {
            return model.Evaluate(link, link.Source.SignalMeanPhotonNumber);
        }
        var best = OptimalPoint(model, link);
        if (best.RawKeyRatePerPulse > 0)
        {
            return best;
        }
        // No key at any mu: an "optimal" mu means nothing there; report the statistics at the source's own intensity
        // (within the model's range) so that gain and QBER stay continuous beyond the cut-off.
        var (min, max) = model.MuSearchRange(link);
        var fallback = model.Evaluate(link, Math.Clamp(link.Source.SignalMeanPhotonNumber, min, max));
        return fallback with { RawKeyRatePerPulse = Math.Min(fallback.RawKeyRatePerPulse, best.RawKeyRatePerPulse) };
    }

    /// <summary>
    /// The signal intensity maximising the secret bit rate, by golden-section search on ln mu over the model's
    /// search range (the rate is unimodal in mu for every model here; tolerance 1e-4 relative in mu). The objective is
    /// the raw rate per pulse times the dead-time factor <see cref="DeadTimeFactor"/>: with saturated detectors a
    /// lower mu wins (fewer, cleaner detections); without dead time it is the rate per pulse of the papers.
    /// </summary>
    /// <remarks>Golden-section search: Kiefer (1953); Press et al., Numerical Recipes, 3rd ed., Sec. 10.2.</remarks>
    public static KeyRatePoint OptimalPoint(IKeyRateModel model, LinkDescription link)
    {
        var (min, max) = model.MuSearchRange(link);
        if (!(max > min))
        {
            return model.Evaluate(link, min);
        }
        const double invPhi = 0.6180339887498949;
        var a = Math.Log(min);
        var b = Math.Log(max);
        var c = b - invPhi * (b - a);
        var d = a + invPhi * (b - a);
        var pc = model.Evaluate(link, Math.Exp(c));
        var pd = model.Evaluate(link, Math.Exp(d));
        while (b - a > 1e-4)
        {
            if (Objective(link, pc) >= Objective(link, pd))
            {
                b = d;
                d = c;
                pd = pc;
                c = b - invPhi * (b - a);
                pc = model.Evaluate(link, Math.Exp(c));
            }
            else
            {
                a = c;
                c = d;
                pc = pd;
                d = a + invPhi * (b - a);
                pd = model.Evaluate(link, Math.Exp(d));
            }
        }
        var best = Objective(link, pc) >= Objective(link, pd) ? pc : pd;
        // The optimum may sit on an end of the range (e.g. a rate that grows with mu up to the bound).
        var lo = model.Evaluate(link, min);
        var hi = model.Evaluate(link, max);
        if (Objective(link, lo) > Objective(link, best))
        {
            best = lo;
        }
        if (Objective(link, hi) > Objective(link, best))
        {
            best = hi;
        }
        return best;
    }

    /// <summary>
    /// Largest fibre length [km] at which the key rate is still positive, by bisection on the sign of the raw rate
    /// (which falls monotonically with length); 0 when there is no key at 0 km, <see cref="DistanceSearchLimitKm"/>
    /// when there is key even there. Tolerance 1e-3 km. <paramref name="atLength"/>, when given, completes the link at
    /// each trial length (e.g. adds WDM Raman noise, which depends on the length).
    /// </summary>
    public static double MaxDistanceKm(IKeyRateModel model, LinkDescription link, double? mu = null, Func<LinkDescription, LinkDescription>? atLength = null)
    {
        Guard.NotNull(model);
        Guard.NotNull(link);
        if (RawRateAt(model, link, 0, mu, atLength) <= 0)
        {
            return 0;
        }
        if (RawRateAt(model, link, DistanceSearchLimitKm, mu, atLength) > 0)
        {
            return DistanceSearchLimitKm;
        }
        double lo = 0, hi = DistanceSearchLimitKm;
        while (hi - lo > 1e-3)
        {
            var mid = 0.5 * (lo + hi);
            if (RawRateAt(model, link, mid, mu, atLength) > 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>
    /// Fraction of detections that survive a non-paralysable detector dead time:
    /// c_dt = 1 / (1 + f_rep Q tau_dead); f_rep repetition rate [Hz], Q detection probability per pulse, tau_dead [s].
    /// Source: Rusca et al., APL 112, 171104 (2018), Eq. (B3). Valid when afterpulsing is negligible and one
    /// detector's dead time blocks the detection system (the conservative reading for a passive basis choice).
    /// </summary>
    public static double DeadTimeFactor(LinkDescription link, double gain)
    {
        var tau = Guard.NotNull(link).Detector.DeadTimeSeconds;
        return tau <= 0 ? 1 : 1 / (1 + link.Source.RepetitionRateHz * gain * tau);
    }

    private static double Objective(LinkDescription link, KeyRatePoint p) => p.RawKeyRatePerPulse * DeadTimeFactor(link, p.Gain);

    private static double RawRateAt(IKeyRateModel model, LinkDescription link, double km, double? mu, Func<LinkDescription, LinkDescription>? atLength)
    {
        var at = link.WithFiberLength(km);
        return Point(model, atLength is null ? at : atLength(at), mu).RawKeyRatePerPulse;
    }
}
