using System.Collections.Immutable;

namespace Qkd.Planning;

/// <summary>The evaluation of one architecture: per link, and totals with the cost.</summary>
/// <param name="Name">Architecture name.</param>
/// <param name="Description">Its description.</param>
/// <param name="Links">Per fibre.</param>
/// <param name="Transmitters">Number of transmitters.</param>
/// <param name="Receivers">Number of receivers.</param>
/// <param name="SwitchPorts">Optical switch ports (sum of k over shared devices).</param>
/// <param name="TotalCost">Device and switch cost.</param>
/// <param name="TotalAes256KeysPerSecond">Sum over links.</param>
/// <param name="LinksMeetingDemand">Links whose supply covers their demand.</param>
public sealed record ArchitectureAssessment(string Name, string Description, ImmutableArray<LinkAssessment> Links, int Transmitters, int Receivers,
    int SwitchPorts, double TotalCost, double TotalAes256KeysPerSecond, int LinksMeetingDemand)
{
    /// <summary>Cost per AES-256 key/s of capacity (infinite when there is none).</summary>
    public double CostPerKeyPerSecond => TotalAes256KeysPerSecond > 0 ? TotalCost / TotalAes256KeysPerSecond : double.PositiveInfinity;
}
