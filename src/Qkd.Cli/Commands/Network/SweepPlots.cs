using Qkd.Network;
using ScottPlot;

namespace Qkd.Cli.Commands.Network;

/// <summary>
/// Seed 003's Figs. 4 and 5 redrawn: success rate of service distribution against load, one colour
/// per value of the varied parameter and one line style and marker per policy, with 95 % CI error bars;
/// plus one panel per policy.
/// </summary>
public static class SweepPlots
{
    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
    private static readonly MarkerShape[] Markers = [MarkerShape.FilledCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp, MarkerShape.OpenDiamond];

    /// <summary>Writes the combined and per-policy plots as PNG and SVG; returns the file names written.</summary>
    /// <param name="points">The sweep's points.</param>
    /// <param name="dir">Output directory.</param>
    /// <param name="stem">File name stem; per-policy plots get "-policy" appended.</param>
    /// <param name="keysPerService">X, shown in the title [keys].</param>
    /// <param name="note">Appended to every title (e.g. the reading of load), or null.</param>
    public static List<string> Write(IReadOnlyList<SweepPoint> points, string dir, string stem, double keysPerService, string? note = null)
    {
        var files = new List<string>();
        var policies = points.Select(p => p.Policy).Distinct().ToList();
        var suffix = note is null ? "" : "; " + note;
        Save(Build(points, policies, keysPerService, "all policies" + suffix), dir, stem, files);
        foreach (var policy in policies)
        {
            Save(Build(points, [policy], keysPerService, policy + suffix), dir, $"{stem}-{policy}", files);
        }
        return files;
    }

    /// <summary>The curves of a plot, as (legend, loads, success, ci) in drawing order; exposed for tests.</summary>
    public static List<(string Legend, double[] Loads, double[] Success, double[] Ci95)> Series(IReadOnlyList<SweepPoint> points, IReadOnlyList<string> policies)
    {
        var result = new List<(string, double[], double[], double[])>();
        foreach (var policy in policies)
        {
            foreach (var value in points.Select(p => p.Value).Distinct())
            {
                var curve = points.Where(p => p.Policy == policy && p.Value == value).OrderBy(p => p.Load).ToList();
                if (curve.Count > 0)
                {
                    result.Add(($"{policy}, {Symbol(curve[0].Varied)} = {value:G6}", [.. curve.Select(p => p.Load)], [.. curve.Select(p => p.SuccessRate)], [.. curve.Select(p => p.SuccessRateCi95)]));
                }
            }
        }
        return result;
    }

    private static Plot Build(IReadOnlyList<SweepPoint> points, IReadOnlyList<string> policies, double keysPerService, string subtitle)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var values = points.Select(p => p.Value).Distinct().ToList();
        var allPolicies = points.Select(p => p.Policy).Distinct().ToList();
        foreach (var (legend, loads, success, ci) in Series(points, policies))
        {
            var policyIndex = allPolicies.IndexOf(legend[..legend.IndexOf(',', StringComparison.Ordinal)]);
            var valueIndex = values.FindIndex(v => legend.EndsWith($"= {v:G6}", StringComparison.Ordinal));
            var color = palette.GetColor(valueIndex);
            var errors = plot.Add.ErrorBar(loads, success, ci);
            errors.Color = color;
            var line = plot.Add.Scatter(loads, success);
            line.Color = color;
            line.LineWidth = 2;
            line.LinePattern = Patterns[policyIndex % Patterns.Length];
            line.MarkerShape = Markers[policyIndex % Markers.Length];
            line.MarkerSize = 7;
            line.LegendText = legend;
        }
        var varied = points[0].Varied;
        plot.Title($"Success rate vs load, varying {Symbol(varied)} ({subtitle}); X = {keysPerService:G4} keys/service");
        plot.XLabel("Offered load L [services per horizon T]");
        plot.YLabel("Success rate of service distribution [fraction]");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static void Save(Plot plot, string dir, string name, List<string> files)
    {
        plot.SavePng(Path.Combine(dir, name + ".png"), 1400, 800);
        plot.SaveSvg(Path.Combine(dir, name + ".svg"), 1400, 800);
        files.Add(name + ".png");
        files.Add(name + ".svg");
    }

    /// <summary>The paper's symbol with unit for a varied parameter.</summary>
    public static string Symbol(string varied) => varied == "capacity" ? "C [keys]" : "V [keys/s]";
}
