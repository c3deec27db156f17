namespace Qkd.Cli.Planning.Documents;

/// <summary>Overrides of the WDM defaults.</summary>
public sealed class WdmOptionsDocument
{
    public double? MuxInsertionLossDb { get; set; }
    public double? DemuxInsertionLossDb { get; set; }
    public double? IsolationDb { get; set; }
    public double? FilterBandwidthNm { get; set; }
    public double? QuantumWavelengthNm { get; set; }
    public double? DetectionWindowS { get; set; }
    public double? RamanPeakPerKmPerNm { get; set; }
}
