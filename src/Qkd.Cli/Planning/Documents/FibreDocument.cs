namespace Qkd.Cli.Planning.Documents;

/// <summary>A fibre with WDM, classical channels and key demand.</summary>
public sealed class FibreDocument
{
    public string? Id { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public double LengthKm { get; set; }
    public double? AttenuationDbPerKm { get; set; }
    public double? ExtraLossDb { get; set; }
    public string? Wdm { get; set; }
    public WdmOptionsDocument? WdmOptions { get; set; }
    public List<WdmDataChannelDocument>? ClassicalChannels { get; set; }
    public DemandDocument? Demand { get; set; }
}
