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
        var block = ToSiftedBlock(simulation, options.EpsilonSecrecy);
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
    public static SiftedBlock ToSiftedBlock(SimulationResult simulation, double epsilonSecrecy = 1e-10)
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
        if (estimate.Method == EstimationMethod.VacuumPlusWeak && VacuumWeak(simulation) is { } vw)
        {
            // Finite-size decoy bounds of the block's own counts (Lim et al. 2014), never the asymptotic ones.
            return new SiftedBlock(simulation.AliceSiftedKey, simulation.BobSiftedKey, VacuumWeak: vw);
        }
        if (estimate.Method == EstimationMethod.GllpWithoutDecoy)
        {
            // GLLP worst case with the block's finite-size deviations (never the asymptotic Q1 >= Q - P_multi alone).
            var (fraction, phase) = GllpBound(simulation, simulation.Statistics.Pulses[0], simulation.Statistics.Detections[0], epsilonSecrecy);
            return new SiftedBlock(simulation.AliceSiftedKey, simulation.BobSiftedKey, SinglePhoton: new SinglePhotonEstimate(fraction, phase));
        }
        // Decoys without a finite-key bound for their set (e.g. a weak decoy not below the signal): no key.
        return new SiftedBlock(simulation.AliceSiftedKey, simulation.BobSiftedKey, SinglePhoton: new SinglePhotonEstimate(0, 0.5));
    }

    /// <summary>
    /// <see cref="GllpFiniteKey.Bound"/> for a no-decoy block: its key bits and disclosed sample (both bases) with
    /// <paramref name="pulses"/> and <paramref name="detections"/> (observed, or expected for the analytic model).
    /// </summary>
    private static (double Fraction, double Phase) GllpBound(SimulationResult simulation, double pulses, double detections, double epsilonSecrecy)
    {
        var s = simulation.Statistics;
        var sample = (double)(s.Disclosed[0] + s.Disclosed[1]);
        var keyBits = s.Sifted[0] + s.Sifted[1] - sample;
        return GllpFiniteKey.Bound(pulses, simulation.Settings.Intensities[0].MeanPhotonNumber, detections, keyBits, sample,
            s.Errors[0] + s.Errors[1], epsilonSecrecy);
    }

    /// <summary>
    /// The vacuum + weak decoy counts of a four-state block with a signal, a vacuum intensity and at least one weak
    /// decoy below the signal (null otherwise): per intensity and basis the sifted detections and their errors (decoy
    /// and vacuum disclosed in full; the signal's errors scaled from its disclosed sample), and the signal bits kept in
    /// the key per basis. With several weak decoys the weakest is used (<see cref="PulseIntensity.VacuumAndWeakest"/>,
    /// the link estimator's rule too), fixed by the settings before any count is seen; the others' pulses are unused.
    /// </summary>
    public static VacuumWeakCounts? VacuumWeak(SimulationResult simulation)
    {
        Guard.NotNull(simulation);
        var intensities = simulation.Settings.Intensities;
        var (vacuum, weak) = PulseIntensity.VacuumAndWeakest(intensities);
        if (vacuum < 0 || weak < 0)
        {
            return null;
        }
        var mu1 = intensities[0].MeanPhotonNumber;
        var mu2 = intensities[weak].MeanPhotonNumber;
        if (!(mu2 > 0 && mu1 > mu2))
        {
            return null;
        }
        var s = simulation.Statistics;
        int[] order = [0, weak, vacuum];
        var detections = new double[6];
        var errors = new double[6];
        for (var i = 0; i < 3; i++)
        {
            for (var basis = 0; basis < 2; basis++)
            {
                var j = order[i] * 2 + basis;
                detections[i * 2 + basis] = s.Sifted[j];
                errors[i * 2 + basis] = s.Disclosed[j] > 0 ? (double)s.Errors[j] / s.Disclosed[j] * s.Sifted[j] : 0.5 * s.Sifted[j];
            }
        }
        return new VacuumWeakCounts([mu1, mu2, 0], [.. order.Select(k => intensities[k].Probability)], [.. detections], [.. errors],
            s.Sifted[0] - s.Disclosed[0], s.Sifted[1] - s.Disclosed[1]);
    }

    /// <summary>
    /// The analytic model matching the simulated protocol, evaluated at the simulation's signal intensity:
    /// single-photon source -> `single-photon`; one-decoy finite key -> `decoy-one-finite` and vacuum+weak ->
    /// `decoy-vacuum-weak-finite`, both finite-key with the block's own key-basis detections as block size, the
    /// run's eps_sec and, when given, the reconciliation efficiency f the block achieved (so the comparison is of
    /// the same block: same size, same security parameter, same leakage per error); no decoys -> `gllp-finite`
    /// (<see cref="GllpFiniteModel"/>: the GLLP worst case with the block's finite-size deviations on the model's
    /// expected counts).
    /// </summary>
    public static (string Model, double SecretKeyRateBps) AnalyticRate(SimulationResult simulation, double epsilonSecrecy = 1e-10, double reconciliationEfficiency = double.NaN)
    {
        var p = Predict(simulation, epsilonSecrecy, reconciliationEfficiency);
        return (p.Model, p.SecretKeyRateBps);
    }

    /// <summary>
    /// <see cref="AnalyticRate"/> with the statistical spread of a block's rate around it: the standard deviation of
    /// the secret key rate of one block of this size from the Poisson spread of its counts, propagated through the
    /// finite-key bound (<see cref="KeyLengthSpread"/>); NaN for the asymptotic models and vacuum+weak.
    /// </summary>
    public static AnalyticPrediction Predict(SimulationResult simulation, double epsilonSecrecy = 1e-10, double reconciliationEfficiency = double.NaN)
    {
        Guard.NotNull(simulation);
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
            _ => "gllp-finite",
        };
        FiniteKeyParameters? finite = null;
        if (settings.Estimation == EstimationMethod.OneDecoyFiniteKey && simulation.Estimate.OneDecoyCounts is { } c)
        {
            // Block: all n_Z key-basis detections; the model removes the sifting's disclosed sample (f_s) as the chain
            // does, so both bound the same kept bits (eps_cor of the verification hash over those bits).
            var siftedZ = (double)(simulation.Statistics.Sifted[0] + simulation.Statistics.Sifted[2]);
            finite = new FiniteKeyParameters(Math.Clamp(siftedZ, 1e3, 1e15), epsilonSecrecy: epsilonSecrecy,
                epsilonCorrectness: ErrorVerification.EpsilonCorrectness((int)Math.Clamp(c.DetectionsZ, 64, int.MaxValue)),
                signalProbability: Math.Clamp(c.ProbabilityMu1, 0.01, 0.99), keySampleFraction: settings.SampleFraction);
        }
        else if (settings.Estimation == EstimationMethod.VacuumPlusWeak)
        {
            var p1 = settings.Intensities.Length > 0 ? Math.Clamp(settings.Intensities[0].Probability, 0.01, 0.99) : 0.7;
            // Block: the Z detections of every intensity (Lim et al. 2014's n_Z), so the model's pulses are the block's.
            double zDetections = 0;
            for (var k = 0; k < settings.Intensities.Length; k++)
            {
                zDetections += simulation.Statistics.Sifted[2 * k];
            }
            finite = new FiniteKeyParameters(Math.Clamp(zDetections, 1e3, 1e15), epsilonSecrecy: epsilonSecrecy,
                epsilonCorrectness: ErrorVerification.EpsilonCorrectness(Math.Max(64, simulation.SiftedBits)), signalProbability: p1);
        }
        else if (settings.Estimation == EstimationMethod.GllpWithoutDecoy)
        {
            // Block: the basis-matched detections this many pulses are expected to give (dead time included), with the
            // run's sample fraction and eps_cor of the verification hash over the kept bits.
            var (gain, _) = ChannelStatistics.WeakCoherentSignal(link, mu);
            var sifted = settings.Pulses * gain * KeyRateAnalysis.DeadTimeFactor(link, gain) * link.SiftingFactor;
            var kept = (int)Math.Clamp(sifted * (1 - settings.SampleFraction), 64, int.MaxValue / 2);
            finite = new FiniteKeyParameters(Math.Clamp(sifted, 1e3, 1e15), epsilonSecrecy: epsilonSecrecy,
                epsilonCorrectness: ErrorVerification.EpsilonCorrectness(kept), keySampleFraction: settings.SampleFraction);
        }
        var model = KeyRateModels.Get(name, finite);
        var result = KeyRateAnalysis.Analyse(model, link, mu, includeMaxDistance: false);
        var spread = double.NaN;
        if (model is DecoyOneFiniteModel oneDecoy && oneDecoy.Expected(link, mu) is { } b)
        {
            var bitsPerSecond = link.Source.RepetitionRateHz * result.DeadTimeFactor / b.Pulses;
            spread = OneDecoySpread(b, link.ErrorCorrectionEfficiency, oneDecoy.Parameters) * bitsPerSecond;
        }
        return new AnalyticPrediction(name, result.SecretKeyRateBps, spread);
    }

    /// <summary>
    /// sigma_l of the one-decoy bound for a block with the expected counts <paramref name="b"/>: independent Poisson
    /// classes (correct and erroneous detections per intensity and basis); the Z errors enter the bound as the
    /// sifting's sample estimate (variance m (1 - f_s) / f_s) and the leak as the true count (variance m).
    /// </summary>
    private static double OneDecoySpread(DecoyOneFiniteModel.ExpectedBlock b, double f, FiniteKeyParameters parameters)
    {
        var fs = Math.Max(parameters.KeySampleFraction, 1e-6);
        double[] counts = [b.NZ1 - b.MZ1, b.MZ1, b.NZ2 - b.MZ2, b.MZ2, b.NX1 - b.MX1, b.MX1, b.NX2 - b.MX2, b.MX2, b.MZ1 + b.MZ2];
        double[] variances = [.. counts];
        variances[1] = b.MZ1 * (1 - fs) / fs;
        variances[3] = b.MZ2 * (1 - fs) / fs;
        double Length(double[] c)
        {
            double nZ1 = c[0] + c[1], nZ2 = c[2] + c[3], nZ = nZ1 + nZ2;
            var leak = f * nZ * Entropy.Binary(Math.Clamp(c[8] / nZ, 0, 0.5));
            return OneDecoyFiniteKey.Compute(b.Mu1, b.Mu2, b.P1, nZ1, nZ2, c[1], c[3], c[4] + c[5], c[6] + c[7], c[5], c[7], leak,
                parameters.EpsilonSecrecy, parameters.EpsilonCorrectness).Length;
        }
        return KeyLengthSpread.StandardDeviation(counts, variances, Length);
    }
}
