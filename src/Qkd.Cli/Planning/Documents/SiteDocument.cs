namespace Qkd.Cli.Planning.Documents;

/// <summary>A site.</summary>
public sealed class SiteDocument
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Name { get; set; }
}
