namespace Qkd.Bb84.Link;

/// <summary>One of Alice's intensity settings: a name, its mean photon number and how often she picks it.</summary>
/// <param name="Name">"signal", "decoy", "vacuum" (or any label): used in reports and JSON.</param>
/// <param name="MeanPhotonNumber">Mean photon number per pulse [photons/pulse], within [0, 10].</param>
/// <param name="Probability">Probability that Alice picks this intensity for a pulse, within (0, 1].</param>
public sealed record PulseIntensity(string Name, double MeanPhotonNumber, double Probability)
{
    /// <summary>
    /// The vacuum and the weakest non-vacuum decoy among <paramref name="intensities"/> (index 0, the signal, not
    /// considered), -1 where there is none: the decoys the vacuum + weak bounds use, fixed by the settings alone.
    /// </summary>
    public static (int Vacuum, int Weak) VacuumAndWeakest(IReadOnlyList<PulseIntensity> intensities)
    {
        Guard.NotNull(intensities);
        int vacuum = -1, weak = -1;
        for (var k = 1; k < intensities.Count; k++)
        {
            var m = intensities[k].MeanPhotonNumber;
            if (m == 0)
            {
                vacuum = k;
            }
            else if (weak < 0 || m < intensities[weak].MeanPhotonNumber)
            {
                weak = k;
            }
        }
        return (vacuum, weak);
    }

    /// <summary>Checks ranges (called by <see cref="SimulationSettings"/>).</summary>
    internal void Validate()
    {
        Guard.NotNull(Name);
        Guard.InRange(MeanPhotonNumber, 0, 10, "photons/pulse", $"Mean photon number of intensity '{Name}'");
        Guard.InRange(Probability, 1e-9, 1, "", $"Probability of intensity '{Name}'");
    }
}
