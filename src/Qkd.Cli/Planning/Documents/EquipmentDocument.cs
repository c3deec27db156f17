namespace Qkd.Cli.Planning.Documents;

/// <summary>Overrides of the preset's device physics.</summary>
public sealed class EquipmentDocument
{
    public double? DetectorEfficiency { get; set; }
    public double? DarkCountPerPulse { get; set; }
    public double? Misalignment { get; set; }
    public double? RepetitionRateHz { get; set; }
    public double? DeadTimeS { get; set; }
}
