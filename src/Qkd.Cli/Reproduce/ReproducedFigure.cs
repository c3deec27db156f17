using System.Collections.Immutable;
using Qkd.KeyRate.Analysis;

namespace Qkd.Cli.Reproduce;

/// <summary>One regenerated figure: its title, the files, and the curves.</summary>
public sealed record ReproducedFigure(string Seed, string Name, string Title, string Caption, ImmutableArray<SweepCurve> Curves, IReadOnlyList<string> Files);
