using Qkd.Bits;
using Qkd.Physics;

namespace Qkd.Quantum;

/// <summary>
/// Pair-by-pair Monte Carlo of E91 (Ekert, PRL 67, 661 (1991)) in its BBM92 reading (Bennett,
/// Brassard, Mermin, PRL 68, 557 (1992)): key from equal analyser angles, CHSH value from the
/// others, over the lossy, noisy fibre of <see cref="E91Link"/>.
/// </summary>
/// <remarks>
/// Per pair: Alice and Bob pick an angle each; each photon survives its arm with probability eta;
/// a side without a photon clicks on background with probability Y0 (a random bit). When both
/// photons arrive, the pair is a two-qubit <see cref="StateVector"/> in |Phi+>; Eve (if present)
/// measures Bob's photon at one of Bob's angles and resends what she found; each photon is
/// depolarised with probability 2 e_det; then both are measured at their analyser angles.
/// </remarks>
public static class E91Protocol
{
    /// <summary>Runs <paramref name="pairs"/> pairs over <paramref name="link"/> (its fibre length is the Alice-Bob distance).</summary>
    public static E91Result Simulate(LinkDescription link, long pairs, E91Eavesdropper eve, ulong seed)
    {
        Guard.NotNull(link);
        Guard.InRange(pairs, 1, 10_000_000_000, "pairs");
        var model = new E91Link(link);
        var random = new SimRandom(seed);
        var eta = model.ArmDetectionProbability;
        var y0 = model.BackgroundYield;
        var depolarize = model.DepolarizingProbability;
        var pair = new StateVector(2);
        Span<long> same = stackalloc long[9];
        Span<long> total = stackalloc long[9];
        same.Clear();
        total.Clear();
        var aliceAngles = E91Settings.AliceAnglesRad;
        var bobAngles = E91Settings.BobAnglesRad;
        long coincidences = 0;
        for (long n = 0; n < pairs; n++)
        {
            var aliceHasPhoton = random.Bernoulli(eta);
            var bobHasPhoton = random.Bernoulli(eta);
            var aliceClicks = aliceHasPhoton || random.Bernoulli(y0);
            var bobClicks = bobHasPhoton || random.Bernoulli(y0);
            if (!aliceClicks || !bobClicks)
            {
                continue;
            }
            coincidences++;
            var a = (int)random.NextBelow(3);
            var b = (int)random.NextBelow(3);
            int x, y;
            if (aliceHasPhoton && bobHasPhoton)
            {
                pair.Reset();
                StatePreparation.PrepareBell(pair, 0, 1, new BellOutcome(0, 0));
                if (eve == E91Eavesdropper.InterceptResend)
                {
                    var eveAngle = bobAngles[(int)random.NextBelow(3)];
                    pair.Measure(1, MeasurementBasis.LinearPolarization(eveAngle), ref random);
                }
                Depolarize(pair, 0, depolarize, ref random);
                Depolarize(pair, 1, depolarize, ref random);
                x = pair.Measure(0, MeasurementBasis.LinearPolarization(aliceAngles[a]), ref random);
                y = pair.Measure(1, MeasurementBasis.LinearPolarization(bobAngles[b]), ref random);
            }
            else
            {
                // A background click carries a random bit, and the partner photon alone is maximally mixed.
                x = random.NextBit() ? 1 : 0;
                y = random.NextBit() ? 1 : 0;
            }
            total[3 * a + b]++;
            if (x == y)
            {
                same[3 * a + b]++;
            }
        }
        return Summarise(model, link, pairs, eve, seed, coincidences, same, total);
    }

    /// <summary>
    /// Depolarising channel rho -> (1 - p) rho + p I/2 as a random Pauli: with probability p one of
    /// I, X, Y, Z uniformly (Nielsen and Chuang 2000, Eq. (8.102)).
    /// </summary>
    private static void Depolarize(StateVector state, int qubit, double p, ref SimRandom random)
    {
        if (p <= 0 || !random.Bernoulli(p))
        {
            return;
        }
        switch (random.NextBelow(4))
        {
            case 1: state.X(qubit); break;
            case 2: state.Y(qubit); break;
            case 3: state.Z(qubit); break;
            default: break;
        }
    }

    private static E91Result Summarise(E91Link model, LinkDescription link, long pairs, E91Eavesdropper eve, ulong seed,
        long coincidences, ReadOnlySpan<long> same, ReadOnlySpan<long> total)
    {
        long sifted = 0, errors = 0;
        Span<double> correlators = stackalloc double[4];
        var variance = 0.0;
        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                var k = 3 * a + b;
                if (E91Settings.IsKeyPair(a, b))
                {
                    sifted += total[k];
                    errors += total[k] - same[k];
                }
                var term = E91Settings.ChshTerm(a, b);
                if (term >= 0)
                {
                    // E = (N_same - N_diff) / N; its variance is (1 - E^2) / N.
                    var e = total[k] > 0 ? (2.0 * same[k] - total[k]) / total[k] : 0;
                    correlators[term] = e;
                    variance += total[k] > 0 ? (1 - e * e) / total[k] : 1;
                }
            }
        }
        var qber = sifted > 0 ? errors / (double)sifted : 0.5;
        var s = E91Settings.Chsh(correlators);
        var sigma = Math.Sqrt(variance);
        var siftedRate = sifted / (double)pairs * link.Source.RepetitionRateHz;
        return new E91Result(link.Fiber.LengthKm, pairs, eve, seed, coincidences, sifted, errors, qber, s, sigma,
            s > 2 + 3 * sigma, model.ExpectedChsh(eve), model.ExpectedQber(eve), model.Visibility,
            siftedRate, siftedRate * model.SecretFraction(qber));
    }
}
