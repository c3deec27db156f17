using Qkd.Bb84.Link;
using Qkd.Bb84.Sifting;
using Qkd.KeyRate;
using Qkd.KeyRate.Decoy;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.Bb84.Estimation;

/// <summary>Turns a block's public statistics into decoy-state bounds and a secure / not secure verdict.</summary>
public static class SecurityEstimator
{
    /// <summary>Secrecy parameter of the one-decoy finite-key bound (Rusca et al. 2018 use 1e-9).</summary>
    public const double EpsilonSecrecy = 1e-9;

    /// <summary>Correctness parameter of the one-decoy finite-key bound (Rusca et al. 2018 use 1e-15).</summary>
    public const double EpsilonCorrectness = 1e-15;

    /// <summary>Bounds and verdict for <paramref name="statistics"/> under the method the settings imply.</summary>
    public static LinkEstimate Estimate(SimulationSettings settings, SiftingStatistics statistics)
    {
        Guard.NotNull(settings);
        Guard.NotNull(statistics);
        var f = settings.Link.ErrorCorrectionEfficiency;
        var mu = settings.Intensities[0].MeanPhotonNumber;
        var q0 = statistics.Gain(0);
        var zOnly = settings.Protocol == ProtocolKind.ThreeState;
        var e0 = zOnly ? statistics.ErrorRate(0, 0) : statistics.ErrorRate(0);
        var siftedSignal = statistics.Sifted[0] + (zOnly ? 0 : statistics.Sifted[1]);
        var q = statistics.Detections[0] > 0 ? (double)siftedSignal / statistics.Detections[0] : 0;
        var pulses = (double)settings.Pulses;
        switch (settings.Estimation)
        {
            case EstimationMethod.SinglePhotonSource:
                return Asymptotic(settings.Estimation, q, f, q0, e0, q0, e0, 1, pulses);
            case EstimationMethod.GllpWithoutDecoy:
            {
                // GLLP worst case: every multi-photon pulse is Eve's, Q1 >= Q_mu - P_multi(mu), P_multi = 1 - e^{-mu}(1 + mu).
                var multi = -Numerics.ExpM1(-mu) - mu * Math.Exp(-mu);
                var q1 = Math.Max(0, q0 - multi);
                var e1 = q1 > 0 ? Math.Min(0.5, e0 * q0 / q1) : 0.5;
                return Asymptotic(settings.Estimation, q, f, q0, e0, q1, e1, mu * Math.Exp(-mu), pulses);
            }
            case EstimationMethod.VacuumPlusWeak:
            {
                var (vacuum, weak) = PulseIntensity.VacuumAndWeakest(settings.Intensities);
                var nu = settings.Intensities[weak].MeanPhotonNumber;
                var eNu = statistics.ErrorRate(weak);
                if (double.IsNaN(e0) || double.IsNaN(eNu))
                {
                    return NoKey(settings.Estimation);
                }
                var bounds = DecoyBounds.VacuumPlusWeak(mu, nu, q0, e0, statistics.Gain(weak), eNu, statistics.Gain(vacuum));
                return Asymptotic(settings.Estimation, q, f, q0, e0, bounds.Q1Lower, bounds.E1Upper, mu * Math.Exp(-mu), pulses);
            }
            default:
                return OneDecoy(settings, statistics, f);
        }
    }

    /// <summary>
    /// GLLP key rate per pulse with decoy or worst-case bounds: R = q { -Q_mu f H2(E_mu) + Q1 [1 - H2(e1)] }.
    /// q sifting ratio, Q_mu and E_mu signal gain and QBER, f error-correction inefficiency, Q1 and e1 single-photon
    /// gain and error (bounds), H2 binary entropy. Source: Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1), after
    /// Gottesman, Lo, Lütkenhaus, Preskill, QIC 4, 325 (2004). Asymptotic (infinite key) regime.
    /// </summary>
    private static LinkEstimate Asymptotic(EstimationMethod method, double q, double f, double gain, double qber, double q1, double e1, double singleFraction, double pulses)
    {
        if (double.IsNaN(qber) || gain <= 0)
        {
            return NoKey(method);
        }
        var rate = q * (-gain * f * Entropy.Binary(qber) + q1 * (1 - Entropy.Binary(e1)));
        var y1 = singleFraction > 0 ? q1 / singleFraction : 0;
        return new LinkEstimate(method, y1, e1, q1, Math.Max(0, rate), Math.Max(0, Math.Floor(rate * pulses)), rate > 0 && q1 > 0, null, null);
    }

    private static LinkEstimate OneDecoy(SimulationSettings settings, SiftingStatistics s, double f)
    {
        var mu1 = settings.Intensities[0].MeanPhotonNumber;
        var mu2 = settings.Intensities[1].MeanPhotonNumber;
        var p1 = settings.Intensities[0].Probability;
        // The bound is applied to the Z bits that stay in the key: the sifted Z detections minus the disclosed sample
        // (a random subset drawn after detection, so the decoy estimates hold for the rest as for the whole set). Counting
        // the disclosed bits too would claim single-photon entropy for bits that are public and never reach privacy
        // amplification (Rusca et al., APL 112, 171104 (2018), Eq. 1 bounds the entropy of the bits that are hashed).
        double KeptZ(int k) => s.Sifted[k * 2] - s.Disclosed[k * 2];
        // Z errors are known on the disclosed sample only; scale them to the kept Z bits (X is disclosed in full).
        double ZErrors(int k)
        {
            var d = s.Disclosed[k * 2];
            return d > 0 ? (double)s.Errors[k * 2] / d * KeptZ(k) : 0.5 * KeptZ(k);
        }
        var counts = new OneDecoyCounts(mu1, mu2, p1,
            KeptZ(0), KeptZ(1), ZErrors(0), ZErrors(1),
            s.Sifted[1], s.Sifted[3], s.Errors[1], s.Errors[3]);
        var ez = counts.DetectionsZ > 0 ? counts.ErrorsZ / counts.DetectionsZ : 0.5;
        // lambda_EC estimated as f n_Z h(E_Z) (the post-processing replaces it by the bits Cascade really leaks).
        var leak = f * counts.DetectionsZ * Entropy.Binary(ez);
        var bound = OneDecoyFiniteKey.SecretKeyLength(counts, leak, EpsilonSecrecy, EpsilonCorrectness);
        var pz = settings.Link.KeyBasisProbability;
        var tau1 = OneDecoyFiniteKey.Tau(1, mu1, mu2, p1);
        // Y1 per pulse: s_{Z,1} counts single photons among the kept Z bits, a fraction kept/sifted of all Z detections.
        var siftedZ = (double)(s.Sifted[0] + s.Sifted[2]);
        var singleZPulses = settings.Pulses * pz * pz * tau1 * (siftedZ > 0 ? counts.DetectionsZ / siftedZ : 1);
        var y1 = singleZPulses > 0 ? bound.SingleZLower / singleZPulses : 0;
        var e1 = bound.SingleXLower > 0 ? Math.Min(0.5, bound.SingleXErrorsUpper / bound.SingleXLower) : 0.5;
        return new LinkEstimate(EstimationMethod.OneDecoyFiniteKey, y1, e1, y1 * mu1 * Math.Exp(-mu1),
            bound.SecretBits / (double)settings.Pulses, bound.SecretBits, bound.SecretBits > 0, counts, bound);
    }

    private static LinkEstimate NoKey(EstimationMethod method) => new(method, 0, 0.5, 0, 0, 0, false, null, null);
}
