namespace Qkd.Network;

/// <summary>One point of a sweep: a policy at one value of the varied parameter and one load.</summary>
public sealed record SweepPoint(string Policy, string Varied, double Value, double Load, double SuccessRate, double SuccessRateCi95,
    long ServicesArrived, long ServicesServed, double KeysGenerated, double KeysConsumed, double KeysWasted, double MeanRelayHops,
    double KeyFlowUtilisation)
{
    /// <summary><see cref="Load"/> under its unit-suffixed name: services offered per horizon.</summary>
    public double LoadServices => Load;
}
