namespace Qkd.Physics;

/// <summary>Bob's single-photon detection system.</summary>
public sealed record Detector
{
    /// <summary>Overall detection efficiency eta_Bob (detector efficiency times Bob's internal transmittance), within (0, 1].</summary>
    public double Efficiency { get; }

    /// <summary>Dark count probability per gate/pulse Y0 of the whole detection system, within [0, 0.5].</summary>
    public double DarkCountProbability { get; }

    /// <summary>Misalignment (optical) error probability e_det, within [0, 0.5].</summary>
    public double Misalignment { get; }

    /// <summary>Dead time after a click [s], within [0, 1e-3]; 0 for none.</summary>
    public double DeadTimeSeconds { get; }

    /// <summary>Afterpulse probability per click, within [0, 0.5]; 0 for none.</summary>
    public double AfterpulseProbability { get; }

    public Detector(double efficiency, double darkCountProbability, double misalignment, double deadTimeSeconds = 0, double afterpulseProbability = 0)
    {
        Efficiency = Guard.InRange(efficiency, 1e-9, 1, "", "Detector efficiency");
        DarkCountProbability = Guard.InRange(darkCountProbability, 0, 0.5, "per pulse", "Dark count probability");
        Misalignment = Guard.InRange(misalignment, 0, 0.5, "", "Misalignment error e_det");
        DeadTimeSeconds = Guard.InRange(deadTimeSeconds, 0, 1e-3, "s", "Detector dead time");
        AfterpulseProbability = Guard.InRange(afterpulseProbability, 0, 0.5, "", "Afterpulse probability");
    }
}
