namespace Qkd.Planning;

/// <summary>Device cost model (any currency, the plan says which).</summary>
/// <param name="Transmitter">Price of one transmitter (Alice).</param>
/// <param name="Receiver">Price of one receiver (Bob); single-photon detectors make it the dearer box.</param>
/// <param name="OpticalSwitchPort">Price per port of an optical switch used for time-sharing.</param>
/// <param name="OpticalSwitchLossDb">Insertion loss of the optical switch [dB] on each shared device's path.</param>
/// <param name="Currency">Currency label.</param>
public sealed record DeviceCosts(double Transmitter, double Receiver, double OpticalSwitchPort, double OpticalSwitchLossDb = 1.0, string Currency = "EUR")
{
    /// <summary>Validated copy (all prices finite and non-negative, switch loss within [0, 10] dB).</summary>
    public DeviceCosts Validated()
    {
        Guard.NonNegative(Transmitter, Currency, "Transmitter cost");
        Guard.NonNegative(Receiver, Currency, "Receiver cost");
        Guard.NonNegative(OpticalSwitchPort, Currency, "Optical switch port cost");
        Guard.InRange(OpticalSwitchLossDb, 0, 10, "dB", "Optical switch insertion loss");
        return this;
    }
}
