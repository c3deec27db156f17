namespace Qkd.Physics;

/// <summary>
/// One classical data wavelength on the same fibre as the quantum channel (WDM). Not the message channel between
/// Alice and Bob, which is <see cref="Classical.IClassicalChannel"/>; plan files still call these `classicalChannels`.
/// </summary>
public sealed record WdmDataChannel
{
    /// <summary>Launch power into the fibre [dBm], within [-40, 27].</summary>
    public double LaunchPowerDbm { get; }

    /// <summary>Wavelength [nm], within [1260, 1675] (O to U band).</summary>
    public double WavelengthNm { get; }

    /// <summary>Direction relative to the quantum signal.</summary>
    public PropagationDirection Direction { get; }

    public WdmDataChannel(double launchPowerDbm, double wavelengthNm, PropagationDirection direction)
    {
        LaunchPowerDbm = Guard.InRange(launchPowerDbm, -40, 27, "dBm", "Classical launch power");
        WavelengthNm = Guard.InRange(wavelengthNm, 1260, 1675, "nm", "Classical wavelength");
        Direction = direction;
    }

    /// <summary>Launch power [W] = 1 mW x 10^(dBm/10).</summary>
    public double LaunchPowerWatts => 1e-3 * Math.Pow(10, LaunchPowerDbm / 10);

    /// <summary>The same channel at another launch power.</summary>
    public WdmDataChannel WithLaunchPower(double launchPowerDbm) => new(launchPowerDbm, WavelengthNm, Direction);
}
