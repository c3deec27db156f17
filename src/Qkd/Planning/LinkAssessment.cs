namespace Qkd.Planning;

/// <summary>The evaluation of one fibre link within one architecture.</summary>
/// <param name="FibreId">Fibre.</param>
/// <param name="TransmitterId">Serving transmitter.</param>
/// <param name="ReceiverId">Serving receiver.</param>
/// <param name="FibreLossDb">alpha x L [dB].</param>
/// <param name="ExtraLossDb">Connectors and splices [dB].</param>
/// <param name="WdmLossDb">Mux + demux insertion loss [dB].</param>
/// <param name="SwitchLossDb">Optical switch loss for time-shared devices [dB].</param>
/// <param name="TotalLossDb">Sum of the above [dB].</param>
/// <param name="NoiseCountPerPulse">Raman and leakage counts per detection window.</param>
/// <param name="Qber">Quantum bit error rate.</param>
/// <param name="TimeShare">Fraction of time the devices serve this fibre (1/k of the busier device).</param>
/// <param name="SecretKeyRateBps">Secret key rate after time-sharing [bit/s].</param>
/// <param name="Aes256KeysPerSecond">AES-256 keys per second after time-sharing.</param>
/// <param name="DemandKeysPerSecond">Keys per second the devices behind the link need.</param>
/// <param name="DemandMet">Whether supply covers demand.</param>
/// <param name="MaxClassicalLaunchDbm">Highest launch power per classical channel still leaving a key (NaN: none; +inf: no classical channels).</param>
public sealed record LinkAssessment(string FibreId, string TransmitterId, string ReceiverId, double FibreLossDb, double ExtraLossDb,
    double WdmLossDb, double SwitchLossDb, double TotalLossDb, double NoiseCountPerPulse, double Qber, double TimeShare,
    double SecretKeyRateBps, double Aes256KeysPerSecond, double DemandKeysPerSecond, bool DemandMet, double MaxClassicalLaunchDbm)
{
    /// <summary><see cref="TimeShare"/> under its unit-suffixed name (a fraction of time).</summary>
    public double TimeShareFraction => TimeShare;
}
