using ScottPlot;

namespace Qkd.Cli.Plotting;

/// <summary>
/// Line plots written as PNG and SVG with ScottPlot: titled, axes labelled with units, a legend in a readable
/// size, and an optional base-10 logarithmic y axis (points with y &lt;= 0 are left out there). Reusable by any
/// command that plots curves.
/// </summary>
public static class LinePlot
{
    /// <summary>Image width [px].</summary>
    public const int Width = 1000;

    /// <summary>Image height [px].</summary>
    public const int Height = 640;

    private static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    /// <summary>
    /// Writes <paramref name="pathWithoutExtension"/>.png and .svg. Files are first written beside their final
    /// name and moved into place, so a failure leaves no half-written image.
    /// </summary>
    public static void Save(string pathWithoutExtension, string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series,
        bool logY = false, double? yMin = null, double? yMax = null, double? xMin = null, double? xMax = null)
    {
        var plot = Build(title, xLabel, yLabel, series, logY, yMin, yMax, xMin, xMax);
        Write(pathWithoutExtension + ".png", tmp => plot.SavePng(tmp, Width, Height));
        Write(pathWithoutExtension + ".svg", tmp => plot.SaveSvg(tmp, Width, Height));
    }

    /// <summary>Writes a plot built by <see cref="Build"/> (and decorated by the caller) as .png and .svg.</summary>
    public static void Save(string pathWithoutExtension, Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        Write(pathWithoutExtension + ".png", tmp => plot.SavePng(tmp, Width, Height));
        Write(pathWithoutExtension + ".svg", tmp => plot.SaveSvg(tmp, Width, Height));
    }

    /// <summary>The plot object (for tests and callers that add more).</summary>
    public static Plot Build(string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series, bool logY = false,
        double? yMin = null, double? yMax = null, double? xMin = null, double? xMax = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        // Long titles shrink so that they fit the image width.
        plot.Title(title, size: Math.Clamp(1350f / Math.Max(1, title.Length), 13f, 22f));
        plot.XLabel(xLabel, size: 18);
        plot.YLabel(yLabel, size: 18);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 15;
        plot.Axes.Left.TickLabelStyle.FontSize = 15;
        var any = false;
        for (var i = 0; i < series.Count; i++)
        {
            var (xs, ys) = Points(series[i], logY);
            if (xs.Length == 0)
            {
                continue;
            }
            any = true;
            var color = Color.FromHex(Palette[i % Palette.Length]);
            if (series[i].MarkersOnly)
            {
                var points = plot.Add.ScatterPoints(xs, ys, color);
                points.MarkerSize = 12;
                points.MarkerShape = MarkerShape.FilledDiamond;
                points.LegendText = series[i].Label;
            }
            else
            {
                var line = plot.Add.ScatterLine(xs, ys, color);
                line.LineWidth = 2.5f;
                line.LegendText = series[i].Label;
            }
        }
        if (logY)
        {
            var minor = new ScottPlot.TickGenerators.LogMinorTickGenerator();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = minor,
                IntegerTicksOnly = true,
                LabelFormatter = y => FormatPowerOfTen(y),
            };
            plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
            plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
            plot.Grid.MinorLineWidth = 1;
        }
        if (any)
        {
            plot.Legend.IsVisible = true;
            plot.Legend.FontSize = 15;
            plot.Legend.Alignment = logY ? Alignment.UpperRight : Alignment.UpperLeft;
        }
        plot.Axes.AutoScale();
        if (xMin is not null || xMax is not null)
        {
            var limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsX(xMin ?? limits.Left, xMax ?? limits.Right);
        }
        if (yMin is not null || yMax is not null)
        {
            var limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(yMin is { } lo ? (logY ? Math.Log10(lo) : lo) : limits.Bottom, yMax is { } hi ? (logY ? Math.Log10(hi) : hi) : limits.Top);
        }
        return plot;
    }

    /// <summary>The points drawn for one series: log10 y when <paramref name="logY"/>, leaving out y &lt;= 0 and non-finite values.</summary>
    public static (double[] X, double[] Y) Points(PlotSeries series, bool logY)
    {
        ArgumentNullException.ThrowIfNull(series);
        var xs = new List<double>(series.X.Count);
        var ys = new List<double>(series.X.Count);
        for (var i = 0; i < series.X.Count; i++)
        {
            var y = series.Y[i];
            if (!double.IsFinite(y) || !double.IsFinite(series.X[i]) || (logY && y <= 0))
            {
                continue;
            }
            xs.Add(series.X[i]);
            ys.Add(logY ? Math.Log10(y) : y);
        }
        return ([.. xs], [.. ys]);
    }

    /// <summary>Tick label of a log10 axis value: 1e-3 style, plain for 0.1..1000.</summary>
    public static string FormatPowerOfTen(double log10Value)
    {
        var e = (int)Math.Round(log10Value);
        return e is >= -1 and <= 3
            ? Math.Pow(10, e).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)
            : "1e" + e.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Write(string path, Action<string> save)
    {
        var tmp = path + ".partial" + Path.GetExtension(path);
        try
        {
            save(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }
}
