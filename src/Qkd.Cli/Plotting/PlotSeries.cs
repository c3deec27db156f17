namespace Qkd.Cli.Plotting;

/// <summary>One line of a plot: legend text and the points (x, y), in x order.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">x values.</param>
/// <param name="Y">y values (same count as x).</param>
/// <param name="MarkersOnly">Draw the points as markers without a line (e.g. values quoted by a paper).</param>
public sealed record PlotSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool MarkersOnly = false);
