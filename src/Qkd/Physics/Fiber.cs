namespace Qkd.Physics;

/// <summary>A span of single-mode fibre.</summary>
public sealed record Fiber
{
    /// <summary>Fibre length [km], within [0, 1000].</summary>
    public double LengthKm { get; }

    /// <summary>Attenuation coefficient [dB/km], within [0, 10].</summary>
    public double AttenuationDbPerKm { get; }

    public Fiber(double lengthKm, double attenuationDbPerKm)
    {
        LengthKm = Guard.InRange(lengthKm, 0, 1000, "km", "Fibre length");
        AttenuationDbPerKm = Guard.InRange(attenuationDbPerKm, 0, 10, "dB/km", "Fibre attenuation");
    }

    /// <summary>Total fibre loss [dB] = alpha * L.</summary>
    public double LossDb => LengthKm * AttenuationDbPerKm;

    /// <summary>Probability that a photon launched into the fibre reaches the far end.</summary>
    /// <remarks>
    /// t = 10^(-alpha L / 10); alpha attenuation [dB/km], L length [km].
    /// Source: Lo, Ma, Chen, PRL 94, 230504 (2005), text after Eq. (3) ("t_AB = 10^(-alpha l/10)");
    /// Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eq. (5). Valid for single-mode fibre in the linear regime;
    /// connector and WDM losses are separate (<see cref="Transmittance.FromLossDb"/>).
    /// </remarks>
    public double Transmittance => Physics.Transmittance.FromLossDb(LossDb);

    /// <summary>The same fibre at another length.</summary>
    public Fiber WithLength(double lengthKm) => new(lengthKm, AttenuationDbPerKm);
}
