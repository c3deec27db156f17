using Qkd.Bb84.Link;
using Qkd.PostProcessing;

namespace Qkd.Distillation;

/// <summary>A simulated block carried to secret key, with the analytic rate of the same link beside it.</summary>
/// <param name="Simulation">The simulated block (sifted keys, statistics, bounds).</param>
/// <param name="PostProcessing">The post-processing run (secret keys of both parties and its report).</param>
/// <param name="SecretKeyRateBps">Secret bits out per second of link time [bit/s].</param>
/// <param name="AnalyticModel">Name of the analytic model compared against.</param>
/// <param name="AnalyticSecretKeyRateBps">That model's secret key rate for the same link and intensities [bit/s].</param>
public sealed record DistillationResult(
    SimulationResult Simulation, PostProcessingResult PostProcessing, double SecretKeyRateBps,
    string AnalyticModel, double AnalyticSecretKeyRateBps);
