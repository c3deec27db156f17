using System.Globalization;
using System.Text;
using Qkd.KeyRate.Analysis;

namespace Qkd.Cli.Plotting;

/// <summary>
/// Writes the artefacts of a key-rate sweep: one CSV and two figures (secret key rate on a log scale, QBER),
/// each as PNG and SVG. Used by `sweep` and `reproduce`.
/// </summary>
public static class SweepFigures
{
    /// <summary>The files written for <paramref name="baseName"/> (relative to the output directory).</summary>
    public static IReadOnlyList<string> FileNames(string baseName) =>
        [baseName + ".csv", baseName + "-keyrate.png", baseName + "-keyrate.svg", baseName + "-qber.png", baseName + "-qber.svg"];

    /// <summary>
    /// Writes <paramref name="baseName"/>.csv, -keyrate.png/.svg and -qber.png/.svg into <paramref name="directory"/>.
    /// <paramref name="perPulse"/> plots bit/pulse instead of bit/s.
    /// </summary>
    public static void Write(string directory, string baseName, string title, IReadOnlyList<SweepCurve> curves, bool perPulse = false,
        bool linearKeyRate = false, IReadOnlyList<PlotSeries>? extraKeyRateSeries = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        foreach (var c in curves)
        {
            if (c.Samples.Length > 0)
            {
                xMin = Math.Min(xMin, c.Samples[0].DistanceKm);
                xMax = Math.Max(xMax, c.Samples[^1].DistanceKm);
            }
        }
        double? xLo = double.IsFinite(xMin) ? xMin : null;
        double? xHi = double.IsFinite(xMax) ? xMax : null;
        WriteCsv(Path.Combine(directory, baseName + ".csv"), curves);
        var rate = new List<PlotSeries>(curves.Count);
        var qber = new List<PlotSeries>(curves.Count);
        foreach (var c in curves)
        {
            var x = new double[c.Samples.Length];
            var k = new double[c.Samples.Length];
            var e = new double[c.Samples.Length];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = c.Samples[i].DistanceKm;
                k[i] = perPulse ? c.Samples[i].KeyRatePerPulse : c.Samples[i].SecretKeyRateBps;
                e[i] = c.Samples[i].Qber * 100;
            }
            rate.Add(new PlotSeries(c.Label, x, k));
            qber.Add(new PlotSeries(c.Label, x, e));
        }
        if (extraKeyRateSeries is not null)
        {
            rate.AddRange(extraKeyRateSeries);
        }
        var unit = perPulse ? "bit/pulse" : "bit/s";
        LinePlot.Save(Path.Combine(directory, baseName + "-keyrate"), title + ": secret key rate", "Fibre length (km)",
            $"Secret key rate ({unit}{(linearKeyRate ? "" : ", log scale")})", rate, logY: !linearKeyRate, xMin: xLo, xMax: xHi);
        LinePlot.Save(Path.Combine(directory, baseName + "-qber"), title + ": QBER", "Fibre length (km)", "QBER (%)", qber,
            yMin: 0, yMax: 52, xMin: xLo, xMax: xHi);
    }

    /// <summary>CSV with one row per curve and distance; invariant culture, header first.</summary>
    public static string Csv(IReadOnlyList<SweepCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var sb = new StringBuilder();
        sb.AppendLine("curve,model,parameter,value,distanceKm,mu,gain,qber,keyRatePerPulse,secretKeyRateBps,aes256KeysPerSecond,maxDistanceKm");
        foreach (var c in curves)
        {
            foreach (var s in c.Samples)
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"\"{c.Label}\",{c.Model},{c.Parameter},{c.Value:R},{s.DistanceKm:R},{s.Mu:R},{s.Gain:R},{s.Qber:R},{s.KeyRatePerPulse:R},{s.SecretKeyRateBps:R},{s.Aes256KeysPerSecond:R},{c.MaxDistanceKm:R}"));
            }
        }
        return sb.ToString();
    }

    private static void WriteCsv(string path, IReadOnlyList<SweepCurve> curves)
    {
        var tmp = path + ".partial";
        File.WriteAllText(tmp, Csv(curves));
        File.Move(tmp, path, overwrite: true);
    }
}
