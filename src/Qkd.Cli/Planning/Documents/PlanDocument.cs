namespace Qkd.Cli.Planning.Documents;

/// <summary>Root of a plan file.</summary>
public sealed class PlanDocument
{
    public string? Name { get; set; }
    public string? Model { get; set; }
    public string? Preset { get; set; }
    public EquipmentDocument? Equipment { get; set; }
    public CostsDocument? Costs { get; set; }
    public List<SiteDocument>? Sites { get; set; }
    public List<FibreDocument>? Fibres { get; set; }
    public List<ArchitectureDocument>? Architectures { get; set; }
}
