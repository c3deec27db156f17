using System.Collections.Immutable;
using Qkd.Physics;

namespace Qkd.Planning;

/// <summary>
/// A deployment to evaluate: sites, fibres (with WDM, classical channels and key demand), the QKD equipment's physics
/// (a link description whose fibre and losses each span replaces), the key-rate model, costs, and one or more
/// device architectures on the same sites and fibres.
/// </summary>
/// <param name="Name">Plan name.</param>
/// <param name="ModelName">Key-rate model (<see cref="KeyRate.KeyRateModels"/>).</param>
/// <param name="Equipment">Source, detector and protocol values of the QKD devices (fibre and losses are per span).</param>
/// <param name="Costs">Cost model.</param>
/// <param name="Sites">Sites.</param>
/// <param name="Fibres">Fibres.</param>
/// <param name="Architectures">Architectures to compare.</param>
public sealed record DeploymentPlan(string Name, string ModelName, LinkDescription Equipment, DeviceCosts Costs,
    ImmutableArray<Site> Sites, ImmutableArray<FibreSpan> Fibres, ImmutableArray<Architecture> Architectures);
