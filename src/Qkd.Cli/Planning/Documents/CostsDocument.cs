namespace Qkd.Cli.Planning.Documents;

/// <summary>Device cost model.</summary>
public sealed class CostsDocument
{
    public double Transmitter { get; set; }
    public double Receiver { get; set; }
    public double OpticalSwitchPort { get; set; }
    public double? OpticalSwitchLossDb { get; set; }
    public string? Currency { get; set; }
}
