using Qkd.Bits;

namespace Qkd.Quantum;

/// <summary>
/// Eavesdropping check with decoy photons (Lv, Cheng and Song, IEEE Network 2022, Sec. "Security
/// analysis"): Alice mixes N single-photon decoys, each in a random one of the four BB84 states
/// {|0>, |1>, |+>, |->}, into the particle sequence at random positions, and later announces their
/// positions and states; the receiver measures each decoy in its basis and any mismatch reveals Eve.
/// </summary>
/// <remarks>
/// Against intercept-resend (Eve measures an intercepted particle in Z or X at random and resends
/// the state she found), a decoy shows an error with probability 1/2 (wrong basis) * 1/2 (wrong
/// result) = 1/4 if intercepted. Because the positions are random, Eve cannot tell decoys from
/// message particles, so each decoy is intercepted with her overall probability f independently:
/// P_undetected = (1 - f/4)^N; for f = 1 this is 0.75^N, the seed's figure. Derivation and the
/// seed's wrong "1 - 0.25^S" in docs/quantum.md. The same argument is the BB84 intercept-resend
/// estimate of Bennett and Brassard (Proc. IEEE ICCSSP 1984), 1 - (3/4)^n detection.
/// </remarks>
public static class DecoyCheck
{
    /// <summary>Per-decoy error probability under intercept-resend in a random BB84 basis: f/4.</summary>
    public static double ErrorProbabilityPerDecoy(double interceptFraction) => Guard.Probability(interceptFraction) / 4;

    /// <summary>Closed form P_undetected = (1 - f/4)^N for N decoys and intercept fraction f.</summary>
    public static double UndetectedProbabilityExact(int decoys, double interceptFraction = 1)
    {
        Guard.InRange(decoys, 0, int.MaxValue, "decoys");
        return Math.Pow(1 - ErrorProbabilityPerDecoy(interceptFraction), decoys);
    }

    /// <summary>
    /// Monte Carlo of the check: each transmission places N decoys at random positions among
    /// N + M particles; Eve intercepts every particle with probability f (she cannot see which are
    /// decoys), measures in a random basis and resends; the receiver measures each decoy in its
    /// preparation basis. Every decoy is a one-qubit <see cref="StateVector"/>.
    /// </summary>
    public static DecoyCheckResult Simulate(int decoys, int trials, ulong seed, double interceptFraction = 1, int messageParticles = 64)
    {
        Guard.InRange(decoys, 1, 100_000, "decoys");
        Guard.InRange(trials, 1, 10_000_000, "trials");
        Guard.InRange(messageParticles, 0, 1_000_000, "message particles");
        Guard.Probability(interceptFraction);
        var random = new SimRandom(seed);
        var length = decoys + messageParticles;
        var order = new int[length];
        var isDecoy = new bool[length];
        var photon = new StateVector(1);
        var undetected = 0;
        for (var t = 0; t < trials; t++)
        {
            // Random positions: the first N entries of a uniform shuffle mark the decoys (partial Fisher-Yates).
            for (var i = 0; i < length; i++)
            {
                order[i] = i;
            }
            for (var i = 0; i < decoys; i++)
            {
                var j = i + (int)random.NextBelow((ulong)(length - i));
                (order[i], order[j]) = (order[j], order[i]);
            }
            Array.Clear(isDecoy);
            for (var i = 0; i < decoys; i++)
            {
                isDecoy[order[i]] = true;
            }
            var detected = false;
            for (var position = 0; position < length; position++)
            {
                var intercepted = random.Bernoulli(interceptFraction);
                if (!isDecoy[position])
                {
                    continue;
                }
                var basis = random.NextBit() ? MeasurementBasis.X : MeasurementBasis.Z;
                var bit = random.NextBit() ? 1 : 0;
                photon.SetBasisState(bit);
                photon.Apply(basis.Rotation, 0);
                if (intercepted)
                {
                    var eveBasis = random.NextBit() ? MeasurementBasis.X : MeasurementBasis.Z;
                    photon.Measure(0, eveBasis, ref random); // resends the collapsed state
                }
                if (photon.Measure(0, basis, ref random) != bit)
                {
                    detected = true;
                }
            }
            if (!detected)
            {
                undetected++;
            }
        }
        var exact = UndetectedProbabilityExact(decoys, interceptFraction);
        return new DecoyCheckResult(decoys, messageParticles, interceptFraction, trials, seed, undetected,
            undetected / (double)trials, exact, Math.Sqrt(exact * (1 - exact) / trials), 1 - exact,
            Math.Pow(0.75, decoys), 1 - Math.Pow(0.25, decoys));
    }
}
