namespace Qkd.Cli.Planning.Documents;

/// <summary>A classical wavelength.</summary>
public sealed class WdmDataChannelDocument
{
    public double LaunchPowerDbm { get; set; }
    public double WavelengthNm { get; set; }
    public string? Direction { get; set; }
}
