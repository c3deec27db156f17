using System.Collections.Immutable;

namespace Qkd.Planning;

/// <summary>One way of placing QKD devices on the plan's sites and fibres (e.g. seed 000's two architectures).</summary>
/// <param name="Name">Name shown in reports.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Devices">The devices.</param>
public sealed record Architecture(string Name, string Description, ImmutableArray<QkdDevice> Devices);
