namespace Qkd.Cli.Planning.Documents;

/// <summary>Key demand behind a link.</summary>
public sealed class DemandDocument
{
    public long Devices { get; set; }
    public double? RefreshSeconds { get; set; }
    public double? KeyBits { get; set; }
}
