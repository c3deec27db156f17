namespace Qkd.Cli.Planning.Documents;

/// <summary>A QKD device.</summary>
public sealed class DeviceDocument
{
    public string? Id { get; set; }
    public string? Role { get; set; }
    public string? Site { get; set; }
    public List<string>? Fibres { get; set; }
}
#pragma warning restore CA1002, CA2227, CA1056
