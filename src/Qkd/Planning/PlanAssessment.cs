using System.Collections.Immutable;

namespace Qkd.Planning;

/// <summary>The evaluation of a whole plan.</summary>
/// <param name="Plan">Plan name.</param>
/// <param name="Model">Key-rate model used.</param>
/// <param name="Currency">Cost currency.</param>
/// <param name="Architectures">One assessment per architecture.</param>
public sealed record PlanAssessment(string Plan, string Model, string Currency, ImmutableArray<ArchitectureAssessment> Architectures);
