using System.Collections.Immutable;

namespace Qkd.KeyRate.Analysis;

/// <summary>One curve of a sweep: a model on one link variant over a range of distances.</summary>
/// <param name="Label">Legend text, e.g. "detector-efficiency = 0.1".</param>
/// <param name="Model">Model name.</param>
/// <param name="Parameter">The varied link parameter (null for a single curve).</param>
/// <param name="Value">Its value on this curve (NaN for a single curve).</param>
/// <param name="Samples">The samples, in distance order.</param>
/// <param name="MaxDistanceKm">Largest distance with a positive key [km].</param>
public sealed record SweepCurve(string Label, string Model, string? Parameter, double Value, ImmutableArray<KeyRateSample> Samples, double MaxDistanceKm);
