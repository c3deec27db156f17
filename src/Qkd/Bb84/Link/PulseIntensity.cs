namespace Qkd.Bb84.Link;

/// <summary>One of Alice's intensity settings: a name, its mean photon number and how often she picks it.</summary>
/// <param name="Name">"signal", "decoy", "vacuum" (or any label): used in reports and JSON.</param>
/// <param name="MeanPhotonNumber">Mean photon number per pulse [photons/pulse], within [0, 10].</param>
/// <param name="Probability">Probability that Alice picks this intensity for a pulse, within (0, 1].</param>
public sealed record PulseIntensity(string Name, double MeanPhotonNumber, double Probability)
{
    /// <summary>Checks ranges (called by <see cref="SimulationSettings"/>).</summary>
    internal void Validate()
    {
        Guard.NotNull(Name);
        Guard.InRange(MeanPhotonNumber, 0, 10, "photons/pulse", $"Mean photon number of intensity '{Name}'");
        Guard.InRange(Probability, 1e-9, 1, "", $"Probability of intensity '{Name}'");
    }
}
