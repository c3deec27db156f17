namespace Qkd.Distillation;

/// <summary>The analytic finite-key rate of a simulated block and its statistical spread.</summary>
/// <param name="Model">Name of the analytic model (`decoy-one-finite`, `decoy-vacuum-weak-finite`, ...).</param>
/// <param name="SecretKeyRateBps">The model's secret key rate for the same link, intensities and block [bit/s].</param>
/// <param name="StandardDeviationBps">Standard deviation of one block's rate around it from the Poisson spread of the
/// block's counts propagated through the bound [bit/s]; NaN where not computed.</param>
public sealed record AnalyticPrediction(string Model, double SecretKeyRateBps, double StandardDeviationBps);
