using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.KeyRate.FiniteKey;
using Qkd.Physics;
using Qkd.PostProcessing;

namespace Qkd.Distillation;

/// <summary>
/// The block length a link should distil at: the link time per block that maximises the delivered secret key rate
/// (finite-key bound of the block, minus the authentication key the block spends) within a latency the user sees,
/// i.e. the longest a user waits for a block's first key. Pure: the analytic finite-key model decides.
/// </summary>
/// <remarks>
/// Delivered rate of a block of T seconds: r(T) = max(0, l(n_Z(T)) - a) / T, with n_Z(T) the key-basis
/// detections (R repetition rate [Hz], c_dt the dead-time factor of Rusca et al. 2018 Eq. B3, p_B the key-basis
/// probability, Q the model's gain at the signal intensity; n_Z(T) = T R c_dt p_B^2 Q),
/// l the finite-key length of the model for that block (`decoy-one-finite`, Rusca et al. 2018, for the three-state
/// one-decoy protocol; `decoy-vacuum-weak-finite`, Lim et al. 2014, for vacuum + weak decoys) and
/// a = <see cref="AuthenticationKeyPool.BitsPerBlock"/>. The finite-key rate grows with T, so the maximum within the
/// latency lies at its end; the choice is the shortest candidate whose rate is within
/// <see cref="NearOptimalFraction"/> of that maximum, so no latency is spent for a negligible gain.
/// </remarks>
public static class BlockLengthChoice
{
    /// <summary>Default latency a user sees: 60 s of link time per block.</summary>
    public const double DefaultMaxLatencySeconds = 60;

    /// <summary>Key-basis sample the simulator's sifting discloses by default (<c>SimulationSettings.SampleFraction</c>).</summary>
    public const double DefaultKeySampleFraction = 0.1;

    /// <summary>A candidate within this fraction of the best rate is as good and preferred when shorter.</summary>
    public const double NearOptimalFraction = 0.98;

    /// <summary>Candidate block durations [s] (a ladder; the latency itself is always a candidate).</summary>
    public static IReadOnlyList<double> Ladder { get; } = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200];

    /// <summary>The chosen block and its expected delivered rate.</summary>
    /// <param name="BlockSeconds">Link time per block [s].</param>
    /// <param name="KeyBasisDetections">Expected n_Z of the block [bits].</param>
    /// <param name="DeliveredRateBps">Expected secret key rate after authentication [bit/s] (0: no block within the latency gives key).</param>
    /// <param name="Model">The finite-key model used.</param>
    /// <param name="MaxLatencySeconds">The latency limit [s].</param>
    public sealed record Choice(double BlockSeconds, double KeyBasisDetections, double DeliveredRateBps, string Model, double MaxLatencySeconds);

    /// <summary>Chooses the block length of <paramref name="link"/> at signal intensity <paramref name="mu"/>.</summary>
    /// <param name="link">The link.</param>
    /// <param name="mu">Signal intensity [photons/pulse].</param>
    /// <param name="oneDecoy">True for the three-state one-decoy protocol (Turin), false for vacuum + weak decoys.</param>
    /// <param name="maxLatencySeconds">Longest link time per block [s], within [1, 1200].</param>
    /// <param name="epsilonSecrecy">eps_sec of the post-processing.</param>
    /// <param name="keySampleFraction">Fraction of the key-basis detections the sifting discloses (one-decoy only; the
    /// simulator's default, <see cref="DefaultKeySampleFraction"/>).</param>
    public static Choice Choose(LinkDescription link, double mu, bool oneDecoy, double maxLatencySeconds = DefaultMaxLatencySeconds, double epsilonSecrecy = 1e-10,
        double keySampleFraction = DefaultKeySampleFraction)
    {
        Guard.NotNull(link);
        Guard.InRange(maxLatencySeconds, 1, 1200, "s", "Maximum block latency");
        var name = oneDecoy ? "decoy-one-finite" : "decoy-vacuum-weak-finite";
        var candidates = new List<double>();
        foreach (var t in Ladder)
        {
            if (t < maxLatencySeconds)
            {
                candidates.Add(t);
            }
        }
        candidates.Add(maxLatencySeconds);
        var rates = new double[candidates.Count];
        var detections = new double[candidates.Count];
        var best = 0.0;
        for (var i = 0; i < candidates.Count; i++)
        {
            // Key-basis detections per second of link time: the dead time of the detectors (Rusca et al. 2018, Eq. B3)
            // keeps only a fraction of the clicks, which on a dead-time-limited link (Turin) is a factor of ~180.
            var gain = KeyRateModels.Get(name).Evaluate(link, mu).Gain;
            var perSecond = link.Source.RepetitionRateHz * KeyRateAnalysis.DeadTimeFactor(link, gain)
                * link.KeyBasisProbability * link.KeyBasisProbability * gain;
            detections[i] = candidates[i] * perSecond;
            if (detections[i] < 1e3)
            {
                continue;
            }
            var fs = oneDecoy ? keySampleFraction : 0;
            var model = KeyRateModels.Get(name, new FiniteKeyParameters(Math.Min(detections[i], 1e15), epsilonSecrecy,
                ErrorVerification.EpsilonCorrectness((int)Math.Min((1 - fs) * detections[i], int.MaxValue)), keySampleFraction: fs));
            var rate = KeyRateAnalysis.Analyse(model, link, mu, includeMaxDistance: false).SecretKeyRateBps;
            rates[i] = Math.Max(0, rate * candidates[i] - AuthenticationKeyPool.BitsPerBlock) / candidates[i];
            best = Math.Max(best, rates[i]);
        }
        for (var i = 0; i < candidates.Count; i++)
        {
            if (best > 0 && rates[i] >= NearOptimalFraction * best)
            {
                return new Choice(candidates[i], detections[i], rates[i], name, maxLatencySeconds);
            }
        }
        return new Choice(maxLatencySeconds, detections[^1], 0, name, maxLatencySeconds);
    }
}
