namespace Qkd.Cli.Planning.Documents;

/// <summary>An architecture: a list of devices.</summary>
public sealed class ArchitectureDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<DeviceDocument>? Devices { get; set; }
}
