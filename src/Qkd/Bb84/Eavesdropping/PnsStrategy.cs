using Qkd.KeyRate;

namespace Qkd.Bb84.Eavesdropping;

/// <summary>
/// How a photon-number-splitting Eve hides: she forwards n-1 photons of every multi-photon pulse to Bob
/// through a lossless channel of transmittance <see cref="MultiPhotonTransmittance"/> and forwards single
/// photons with probability <see cref="SinglePhotonForwardProbability"/>, chosen so that Bob's signal
/// gain equals the gain he expects from the honest fibre.
/// </summary>
/// <param name="MultiPhotonTransmittance">t_E in [0, 1]: transmittance Eve applies to the n-1 photons she forwards.</param>
/// <param name="SinglePhotonForwardProbability">b in [0, 1]: probability that Eve lets a single photon through (losslessly).</param>
public sealed record PnsStrategy(double MultiPhotonTransmittance, double SinglePhotonForwardProbability)
{
    /// <summary>
    /// Calibrates Eve on the signal intensity mu: solve G(t_E) = S_h where
    /// S_h = sum_n P(n|mu) [1 - (1 - eta)^n] is the honest signal-detection probability and
    /// G(t) = sum_{n>=2} P(n|mu) [1 - (1 - eta_Bob t)^(n-1)] what Bob detects from the forwarded photons.
    /// If G(1) &lt; S_h, Eve sets t_E = 1 and forwards single photons with b = (S_h - G(1)) / (P(1|mu) eta_Bob).
    /// eta = overall transmittance, eta_Bob = Bob's detection efficiency, P(n|mu) Poisson (or n = 1 for single photons).
    /// Source: the attack of Brassard, Lütkenhaus, Mor, Sanders, PRL 85, 1330 (2000) in the form used to motivate
    /// decoy states by Hwang, PRL 91, 057901 (2003) and Lo, Ma, Chen, PRL 94, 230504 (2005): Eve keeps Bob's
    /// gain unchanged so that loss alone does not reveal her. Valid when she cannot tell signal from decoy pulses.
    /// </summary>
    public static PnsStrategy Calibrate(double[] photonNumberProbabilities, double eta, double etaBob)
    {
        Guard.NotNull(photonNumberProbabilities);
        double honest = 0, singles = photonNumberProbabilities.Length > 1 ? photonNumberProbabilities[1] : 0;
        for (var n = 1; n < photonNumberProbabilities.Length; n++)
        {
            honest += photonNumberProbabilities[n] * -Numerics.ExpM1(n * Numerics.Log1P(-eta));
        }
        double Forwarded(double t)
        {
            double g = 0;
            for (var n = 2; n < photonNumberProbabilities.Length; n++)
            {
                g += photonNumberProbabilities[n] * -Numerics.ExpM1((n - 1) * Numerics.Log1P(-etaBob * t));
            }
            return g;
        }
        var full = Forwarded(1);
        if (full < honest)
        {
            var b = singles > 0 ? Math.Min(1, (honest - full) / (singles * etaBob)) : 0;
            return new PnsStrategy(1, b);
        }
        double lo = 0, hi = 1;
        for (var i = 0; i < 200 && hi - lo > 1e-15; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Forwarded(mid) < honest)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return new PnsStrategy(0.5 * (lo + hi), 0);
    }
}
