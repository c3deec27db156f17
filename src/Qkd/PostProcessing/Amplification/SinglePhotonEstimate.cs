namespace Qkd.PostProcessing;

/// <summary>Decoy-state bounds on the single-photon part of a block's key bits, for <see cref="DecoyKeyLength"/>.</summary>
public sealed record SinglePhotonEstimate
{
    /// <summary>Lower bound on the fraction of key bits that came from single-photon pulses, Q1^L / Q_mu, within [0, 1].</summary>
    public double SinglePhotonFraction { get; }

    /// <summary>Upper bound on the single-photon error rate e1^U, within [0, 0.5].</summary>
    public double PhaseErrorUpper { get; }

    public SinglePhotonEstimate(double singlePhotonFraction, double phaseErrorUpper)
    {
        SinglePhotonFraction = Guard.InRange(singlePhotonFraction, 0, 1, "", "Single-photon fraction Q1/Q");
        PhaseErrorUpper = Guard.InRange(phaseErrorUpper, 0, 0.5, "", "Single-photon error rate e1");
    }
}
