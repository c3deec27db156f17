using Qkd.Bb84.Estimation;
using Qkd.Bb84.Link;
using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.KeyRate.FiniteKey;
using Qkd.Physics;
using Qkd.PostProcessing;

namespace Qkd.Distillation;

/// <summary>
/// The whole chain of one link, from pulses to secret key: a simulated block (<see cref="LinkSimulator"/>) is
/// handed to the post-processing (<see cref="PostProcessingPipeline"/>) with the block's decoy statistics, and
/// the secret key rate that came out is set beside the analytic model that describes the same link.
/// </summary>
public static class KeyDistillation
{
    /// <summary>Distils a simulated block; <paramref name="time"/> (the caller's clock) times the post-processing run.</summary>
    public static async Task<DistillationResult> DistillAsync(SimulationResult simulation, PostProcessingOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(simulation);
        Guard.NotNull(options);
        var block = ToSiftedBlock(simulation);
        var post = await PostProcessingPipeline.RunAsync([block], options, time, cancellationToken).ConfigureAwait(false);
        var seconds = simulation.LinkSeconds;
        var (modelName, analytic) = AnalyticRate(simulation, options.EpsilonSecrecy, post.Report.MeanEfficiency);
        return new DistillationResult(simulation, post, post.Report.SecretBits / seconds, modelName, analytic);
    }

    /// <summary>
    /// The post-processing input of a simulated block: both sifted keys, with the one-decoy counts (three-state /
    /// one-decoy finite key) or the vacuum+weak single-photon bounds (four-state BB84 with decoys) that set the
    /// output length. A block with no usable bound (GLLP without decoys) is passed with a single-photon fraction
    /// of Q1^L/Q from the GLLP worst case.
    /// </summary>
    public static SiftedBlock ToSiftedBlock(SimulationResult simulation)
    {
        Guard.NotNull(simulation);
        var estimate = simulation.Estimate;
        if (estimate.OneDecoyCounts is { } counts)
        {
            return new SiftedBlock(simulation.AliceSiftedKey, simulation.BobSiftedKey, counts);
        }
        if (estimate.Method == EstimationMethod.SinglePhotonSource)
        {
            return new SiftedBlock(simulation.AliceSiftedKey, simulation.BobSiftedKey);
        }
        var signalGain = simulation.PerIntensity.Length > 0 ? simulation.PerIntensity[0].Gain : 0;
        var fraction = signalGain > 0 ? Math.Clamp(estimate.Q1Lower / signalGain, 0, 1) : 0;
        return new SiftedBlock(simulation.AliceSiftedKey, simulation.BobSiftedKey,
            SinglePhoton: new SinglePhotonEstimate(fraction, Math.Clamp(estimate.E1Upper, 0, 0.5)));
    }

    /// <summary>
    /// The analytic model matching the simulated protocol, evaluated at the simulation's signal intensity:
    /// single-photon source -> `single-photon`; one-decoy finite key -> `decoy-one-finite` and vacuum+weak ->
    /// `decoy-vacuum-weak-finite`, both finite-key with the block's own key-basis detections as block size, the
    /// run's eps_sec and, when given, the reconciliation efficiency f the block achieved (so the comparison is of
    /// the same block: same size, same security parameter, same leakage per error); no decoys -> `gllp`.
    /// </summary>
    public static (string Model, double SecretKeyRateBps) AnalyticRate(SimulationResult simulation, double epsilonSecrecy = 1e-10, double reconciliationEfficiency = double.NaN)
    {
        var settings = simulation.Settings;
        var mu = settings.Intensities[0].MeanPhotonNumber;
        var link = settings.Link;
        var decoys = settings.Intensities.Length > 1
            ? [.. settings.Intensities.RemoveAt(0).Select(i => i.MeanPhotonNumber)]
            : link.Source.DecoyMeanPhotonNumbers;
        link = link.WithSource(new Source(link.Source.Kind, Math.Max(1e-6, mu), decoys, link.Source.RepetitionRateHz));
        if (reconciliationEfficiency is >= 1 and <= 3)
        {
            link = link.With(errorCorrectionEfficiency: reconciliationEfficiency);
        }
        var name = settings.Estimation switch
        {
            EstimationMethod.SinglePhotonSource => "single-photon",
            EstimationMethod.OneDecoyFiniteKey => "decoy-one-finite",
            EstimationMethod.VacuumPlusWeak => "decoy-vacuum-weak-finite",
            _ => "gllp",
        };
        FiniteKeyParameters? finite = null;
        if (settings.Estimation == EstimationMethod.OneDecoyFiniteKey && simulation.Estimate.OneDecoyCounts is { } c)
        {
            finite = new FiniteKeyParameters(Math.Clamp(c.DetectionsZ, 1e3, 1e15), epsilonSecrecy: epsilonSecrecy,
                epsilonCorrectness: ErrorVerification.EpsilonCorrectness((int)Math.Min(c.DetectionsZ, int.MaxValue)),
                signalProbability: Math.Clamp(c.ProbabilityMu1, 0.01, 0.99));
        }
        else if (settings.Estimation == EstimationMethod.VacuumPlusWeak)
        {
            var p1 = settings.Intensities.Length > 0 ? Math.Clamp(settings.Intensities[0].Probability, 0.01, 0.99) : 0.7;
            finite = new FiniteKeyParameters(Math.Clamp(simulation.SiftedBits, 1e3, 1e15), epsilonSecrecy: epsilonSecrecy,
                epsilonCorrectness: ErrorVerification.EpsilonCorrectness(Math.Max(64, simulation.SiftedBits)), signalProbability: p1);
        }
        var model = KeyRateModels.Get(name, finite);
        var result = KeyRateAnalysis.Analyse(model, link, mu, includeMaxDistance: false);
        return (name, result.SecretKeyRateBps);
    }
}
