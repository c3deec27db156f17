using System.Collections.Immutable;
using Qkd.KeyRate;
using Qkd.Physics;

namespace Qkd.Quantum;

/// <summary>
/// The entanglement-based link built from the shared <see cref="LinkDescription"/>: a polarisation-
/// entangled pair source (|Phi+>) at the midpoint sends one photon down each half of the fibre; Alice
/// and Bob each have the link's detector. Each arm has transmittance
/// t_arm = 10^(-(alpha L/2 + extra/2)/10) and detection probability eta = t_arm * eta_det; each side's
/// background (dark plus noise counts) Y0 is the link's per-gate background yield.
/// </summary>
/// <remarks>
/// Misalignment e_det acts as a depolarising channel with probability 2 e_det on each photon
/// (error e_det in every basis), so the pair's visibility is V = (1 - 2 e_det)^2. The source emits
/// one pair per trigger at the link's repetition rate; multi-pair emission is not modelled. The
/// source-in-the-middle geometry is the one analysed by Ma, Fung and Lo, PRA 76, 012307 (2007).
/// </remarks>
public sealed record E91Link(LinkDescription Link)
{
    /// <summary>Photon detection probability of one arm (half the fibre and half the extra loss).</summary>
    public double ArmDetectionProbability
        => Transmittance.FromLossDb(Link.ChannelLossDb / 2) * Link.Detector.Efficiency;

    /// <summary>Per-gate background click probability Y0 of one side.</summary>
    public double BackgroundYield => Link.BackgroundYield;

    /// <summary>Depolarising probability of one photon, p = 2 e_det.</summary>
    public double DepolarizingProbability => Math.Min(1, 2 * Link.Detector.Misalignment);

    /// <summary>Visibility of the two-photon correlations, V = (1 - p)^2.</summary>
    public double Visibility => (1 - DepolarizingProbability) * (1 - DepolarizingProbability);

    /// <summary>Click probability of one side: p_click = eta + (1 - eta) Y0.</summary>
    public double ClickProbability => ArmDetectionProbability + (1 - ArmDetectionProbability) * BackgroundYield;

    /// <summary>
    /// Fraction of coincidences in which both photons were detected (the rest contain a background
    /// click and carry random bits): f = eta^2 / p_click^2.
    /// </summary>
    public double TrueCoincidenceFraction => ArmDetectionProbability * ArmDetectionProbability / (ClickProbability * ClickProbability);

    /// <summary>
    /// Expected correlator E(a, b) = &lt;(-1)^(x xor y)&gt; over all coincidences: f V E_0(a, b), with
    /// E_0 = cos 2(a - b) for |Phi+> (Clauser et al. 1969), and E_0 = mean over Eve's angle e of
    /// cos 2(a - e) cos 2(b - e) after her intercept-resend (the pair is then the product |e>|e> or
    /// |e_perp>|e_perp>). Background coincidences have E = 0.
    /// </summary>
    public double ExpectedCorrelator(double aliceAngleRad, double bobAngleRad, E91Eavesdropper eve)
    {
        double ideal;
        if (eve == E91Eavesdropper.None)
        {
            ideal = Math.Cos(2 * (aliceAngleRad - bobAngleRad));
        }
        else
        {
            ideal = 0;
            var eveAngles = E91Settings.BobAnglesRad;
            foreach (var e in eveAngles)
            {
                ideal += Math.Cos(2 * (aliceAngleRad - e)) * Math.Cos(2 * (bobAngleRad - e));
            }
            ideal /= eveAngles.Length;
        }
        return TrueCoincidenceFraction * Visibility * ideal;
    }

    /// <summary>Expected CHSH value S from <see cref="ExpectedCorrelator"/> at the E91 test angles.</summary>
    public double ExpectedChsh(E91Eavesdropper eve)
    {
        Span<double> e = stackalloc double[4];
        var a = E91Settings.AliceAnglesRad;
        var b = E91Settings.BobAnglesRad;
        e[0] = ExpectedCorrelator(a[0], b[0], eve);
        e[1] = ExpectedCorrelator(a[0], b[2], eve);
        e[2] = ExpectedCorrelator(a[2], b[0], eve);
        e[3] = ExpectedCorrelator(a[2], b[2], eve);
        return E91Settings.Chsh(e);
    }

    /// <summary>Expected QBER of the sifted key: mean over the two key settings of (1 - E(k, k)) / 2.</summary>
    public double ExpectedQber(E91Eavesdropper eve)
    {
        var a = E91Settings.AliceAnglesRad;
        return ((1 - ExpectedCorrelator(a[1], a[1], eve)) / 2 + (1 - ExpectedCorrelator(a[2], a[2], eve)) / 2) / 2;
    }

    /// <summary>Expected sifted bits per emitted pair: p_click^2 * 2/9 (two of nine setting pairs are key pairs).</summary>
    public double ExpectedSiftedBitsPerPair => ClickProbability * ClickProbability * 2 / 9;

    /// <summary>
    /// Asymptotic secret fraction of BBM92 with one-way post-processing, r = 1 - f h(Q) - h(Q)
    /// (the Shor-Preskill single-photon bound, which BBM92 shares with equal bit and phase error rates
    /// Q in the symmetric case: Ma, Fung, Lo, PRA 76, 012307 (2007)); f is the error-correction
    /// inefficiency. 0 when negative. Asymptotic: no finite-size correction.
    /// </summary>
    public double SecretFraction(double qber)
        => Math.Max(0, 1 - Link.ErrorCorrectionEfficiency * Entropy.Binary(qber) - Entropy.Binary(qber));

    /// <summary>The analytic figures at this link's distance.</summary>
    public E91CurvePoint Expected(E91Eavesdropper eve)
    {
        var qber = ExpectedQber(eve);
        var chsh = ExpectedChsh(eve);
        var sifted = ExpectedSiftedBitsPerPair * Link.Source.RepetitionRateHz;
        return new E91CurvePoint(Link.Fiber.LengthKm, qber, chsh, sifted, chsh > 2 ? sifted * SecretFraction(qber) : 0);
    }

    /// <summary>QBER, S and key rates against distance: <paramref name="points"/> distances evenly from 0 to <paramref name="maxDistanceKm"/>.</summary>
    public static ImmutableArray<E91CurvePoint> Curve(LinkDescription link, double maxDistanceKm, int points, E91Eavesdropper eve)
    {
        Guard.NotNull(link);
        Guard.InRange(maxDistanceKm, 0, 1000, "km", "Largest distance");
        Guard.InRange(points, 2, 10_000, "curve points");
        var builder = ImmutableArray.CreateBuilder<E91CurvePoint>(points);
        for (var i = 0; i < points; i++)
        {
            builder.Add(new E91Link(link.WithFiberLength(maxDistanceKm * i / (points - 1))).Expected(eve));
        }
        return builder.MoveToImmutable();
    }
}
