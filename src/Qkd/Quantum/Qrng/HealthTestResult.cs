namespace Qkd.Quantum.Qrng;

/// <summary>Outcome of the SP 800-90B continuous health tests over a run of samples.</summary>
/// <param name="ClaimedMinEntropyPerSample">H used for the cutoffs [bits/sample].</param>
/// <param name="RepetitionCountCutoff">RCT cutoff C (a run of C equal samples fails).</param>
/// <param name="RepetitionCountFailures">Number of runs that reached the cutoff.</param>
/// <param name="LongestRun">Longest run of identical samples seen.</param>
/// <param name="AdaptiveProportionWindow">APT window W.</param>
/// <param name="AdaptiveProportionCutoff">APT cutoff C (C occurrences of a window's first value fail).</param>
/// <param name="AdaptiveProportionFailures">Windows that reached the cutoff.</param>
/// <param name="MaxWindowCount">Largest count of a window's first value.</param>
public sealed record HealthTestResult(double ClaimedMinEntropyPerSample, int RepetitionCountCutoff, int RepetitionCountFailures, int LongestRun,
    int AdaptiveProportionWindow, int AdaptiveProportionCutoff, int AdaptiveProportionFailures, int MaxWindowCount)
{
    /// <summary><see cref="ClaimedMinEntropyPerSample"/> under its unit-suffixed name [bits/sample].</summary>
    public double ClaimedMinEntropyBitsPerSample => ClaimedMinEntropyPerSample;

    /// <summary><see cref="AdaptiveProportionWindow"/> under its unit-suffixed name [samples].</summary>
    public int AdaptiveProportionWindowSamples => AdaptiveProportionWindow;

    /// <summary>Both tests passed on every sample and window.</summary>
    public bool Passed => RepetitionCountFailures == 0 && AdaptiveProportionFailures == 0;
}
